#!/bin/sh
# Regenerates da-words.txt, the Danish word list the search analyzer uses to
# split compound words, from the Debian package hunspell-da
# (apt-get install hunspell-da). See LICENSE-da-words.txt.
#
# Keeps the stems of da_DK.dic (the part before "/"), lower-cased, letters
# only, at least 3 letters, sorted and deduplicated. Malformed or
# multi-word lines ("A/S", "a cappella", "-årig") drop out because they hold a
# character that is not a letter.
set -eu
DIC=${1:-/usr/share/hunspell/da_DK.dic}
OUT=$(dirname "$0")/da-words.txt
export LC_ALL=C.UTF-8
tail -n +2 "$DIC" \
  | cut -d/ -f1 \
  | tr -d '\r' \
  | sed 's/.*/\L&/' \
  | grep -E '^[[:alpha:]]{3,}$' \
  | sort -u > "$OUT"
wc -l "$OUT"
