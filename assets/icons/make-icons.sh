#!/usr/bin/env bash
# Draws Mødemappe's app icon (a white folder on a calm blue tile) with
# ImageMagick and writes the sizes Tauri bundles. Run from this folder:
#   bash make-icons.sh
set -euo pipefail
cd "$(dirname "$0")"
convert -size 1024x1024 xc:none \
  -fill '#1d4e6f' -draw 'roundrectangle 64,64 960,960 180,180' \
  -fill '#ffffff' -draw 'roundrectangle 212,300 520,420 36,36' \
  -fill '#ffffff' -draw 'roundrectangle 212,360 812,760 44,44' \
  -fill '#1d4e6f' -draw 'roundrectangle 292,470 732,500 15,15' \
  -fill '#1d4e6f' -draw 'roundrectangle 292,550 732,580 15,15' \
  -fill '#1d4e6f' -draw 'roundrectangle 292,630 592,660 15,15' \
  icon-1024.png
for size in 32 64 128 256 512; do
  convert icon-1024.png -resize ${size}x${size} ${size}x${size}.png
done
cp 256x256.png 128x128@2x.png
cp 512x512.png icon.png
convert icon-1024.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
rm icon-1024.png
