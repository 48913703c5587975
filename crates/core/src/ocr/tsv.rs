//! Tesseract's TSV output (`tesseract IMAGE stdout tsv`) turned into a page:
//! its text (words joined by spaces, lines by line breaks, blocks and
//! paragraphs by an empty line), its word boxes and the mean word confidence.
//!
//! Columns: level, page_num, block_num, par_num, line_num, word_num, left,
//! top, width, height, conf, text. Level 1 is the page (its size), level 5 a
//! word; words have a confidence from 0 to 100 (-1 on the other levels).

use super::WordBox;

/// A page as Tesseract read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadPage {
    /// The text.
    pub text: String,
    /// Every word with its box, in reading order.
    pub words: Vec<WordBox>,
    /// The mean confidence of the words (0–100), `None` without words.
    pub confidence: Option<f32>,
    /// The image's width in pixels.
    pub width: u32,
    /// The image's height in pixels.
    pub height: u32,
}

/// Parses Tesseract's TSV; rows that do not parse are skipped.
pub fn parse(tsv: &str) -> ReadPage {
    let mut page = ReadPage::default();
    let mut last: Option<(u32, u32, u32)> = None;
    let mut conf_sum = 0f64;
    for row in tsv.lines() {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<i64>().ok();
        let (Some(level), Some(left), Some(top), Some(width), Some(height)) =
            (num(0), num(6), num(7), num(8), num(9))
        else {
            continue; // the header row
        };
        let px = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        if level == 1 {
            page.width = px(left + width);
            page.height = px(top + height);
            continue;
        }
        if level != 5 {
            continue;
        }
        let word = cols.get(11).map_or("", |t| t.trim());
        if word.is_empty() {
            continue;
        }
        let conf: f32 = cols[10].trim().parse().unwrap_or(-1.0);
        let place = (
            num(2).map_or(0, px),
            num(3).map_or(0, px),
            num(4).map_or(0, px),
        );
        match last {
            None => {}
            Some((block, par, _)) if (block, par) != (place.0, place.1) => {
                page.text.push_str("\n\n");
            }
            Some(prev) if prev != place => page.text.push('\n'),
            Some(_) => page.text.push(' '),
        }
        last = Some(place);
        page.text.push_str(word);
        let conf = conf.clamp(0.0, 100.0);
        conf_sum += f64::from(conf);
        page.words.push(WordBox(
            word.to_string(),
            px(left),
            px(top),
            px(width),
            px(height),
            conf.round() as u8,
        ));
    }
    if !page.words.is_empty() {
        page.confidence = Some((conf_sum / page.words.len() as f64) as f32);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::parse;

    const SAMPLE: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t
2\t1\t1\t0\t0\t0\t200\t260\t1400\t120\t-1\t
3\t1\t1\t1\t0\t0\t200\t260\t1400\t120\t-1\t
4\t1\t1\t1\t1\t0\t200\t260\t1400\t50\t-1\t
5\t1\t1\t1\t1\t1\t200\t260\t180\t50\t96.46\tByrådet
5\t1\t1\t1\t1\t2\t400\t260\t80\t50\t90.00\thar
4\t1\t1\t1\t2\t0\t200\t330\t1400\t50\t-1\t
5\t1\t1\t1\t2\t1\t200\t330\t200\t50\t93.54\tsøen.
5\t1\t1\t1\t2\t2\t420\t330\t20\t50\t95\t 
5\t1\t2\t1\t1\t1\t200\t600\t200\t50\t80\tÅrhus
";

    #[test]
    fn words_lines_and_blocks_become_text() {
        let page = parse(SAMPLE);
        assert_eq!(page.text, "Byrådet har\nsøen.\n\nÅrhus");
        assert_eq!((page.width, page.height), (2480, 3508));
        assert_eq!(page.words.len(), 4);
        assert_eq!(page.words[0].0, "Byrådet");
        assert_eq!(
            (
                page.words[0].1,
                page.words[0].2,
                page.words[0].3,
                page.words[0].4
            ),
            (200, 260, 180, 50)
        );
        assert_eq!(page.words[0].5, 96);
        let mean = page.confidence.unwrap();
        assert!((mean - 90.0).abs() < 0.01, "{mean}");
    }

    #[test]
    fn nothing_read_is_an_empty_page() {
        let page = parse("level\tpage_num\n1\t1\t0\t0\t0\t0\t0\t0\t100\t200\t-1\t\n");
        assert_eq!(page.text, "");
        assert_eq!(page.confidence, None);
        assert_eq!((page.width, page.height), (100, 200));
    }
}
