//! Scanned PDFs for tests and benchmarks: Danish text (æ, ø, å) laid out by
//! [`super::pdf::render`], drawn to grey images by poppler's `pdftoppm` with a
//! Debian font (Helvetica is URW Nimbus Sans from `fonts-urw-base35` through
//! fontconfig), and wrapped as one image per page in a PDF with no text layer,
//! as a scanner writes it. Needs `pdftoppm` (poppler-utils).

use super::rng::Rng;
use crate::{Error, Result};
use lopdf::{dictionary, Document, Object, Stream};
use std::path::Path;
use std::process::Command;

/// Sentences of the scanned pages.
const SENTENCES: &[&str] = &[
    "Byrådet har på sit møde besluttet at ændre lokalplanen for området ved søen.",
    "Økonomiudvalget indstiller, at bevillingen på 2,5 mio. kr. gives til skolernes udearealer.",
    "Høringssvaret fra grundejerforeningen er modtaget den 14. marts og vedlægges som bilag.",
    "Forvaltningen foreslår, at børnehaven i Åbyhøj udvides med to grupper fra næste år.",
    "Der er modtaget fire høringssvar fra borgere i Højbjerg, som ønsker færre parkeringspladser.",
    "Rådmanden orienterede om status på letbanens anden etape og de forventede udgifter.",
    "Kontrakten med entreprenøren løber til udgangen af 2026 og kan forlænges to gange.",
    "Teknisk Udvalg godkendte vejledningen om støj fra byggepladser i tætte boligområder.",
    "Udvalget ønsker en redegørelse for ventetiden på plejehjemspladser i Aarhus Kommune.",
    "Sagen blev udsat, fordi miljøvurderingen af den nye cykelsti endnu ikke er færdig.",
    "Borgerne klager over trafikken på Søndergade, især om morgenen når skolerne åbner.",
    "Beslutningen om at sælge grunden ved havnen træffes først efter en offentlig høring.",
    "Kulturudvalget støtter forslaget om længere åbningstider på hovedbiblioteket Dokk1.",
    "Der søges om tilskud til renovering af idrætshallen i Tilst på i alt 840.000 kr.",
    "Afdelingen for sundhed og omsorg forventer et merforbrug på grund af flere ældre borgere.",
    "Planen for klimatilpasning omfatter regnvandsbassiner ved åen og grønne tage på skoler.",
    "Mødet blev holdt på rådhuset i lokale 398, og alle medlemmer var til stede.",
    "Underskrevet af borgmesteren og kommunaldirektøren efter byrådets godkendelse.",
];

/// `pages` pages of Danish text, 30 lines each, the same for the same seed.
pub fn danish_pages(seed: u64, pages: usize) -> Vec<Vec<String>> {
    let mut rng = Rng::derive(seed, "scan", 0);
    (0..pages)
        .map(|p| {
            let mut lines = vec![format!("Side {} – indscannet brev", p + 1), String::new()];
            let mut paragraph = String::new();
            while lines.len() < 30 {
                for _ in 0..rng.range(2, 5) {
                    if !paragraph.is_empty() {
                        paragraph.push(' ');
                    }
                    paragraph.push_str(rng.word(SENTENCES));
                }
                super::text::wrap(&paragraph, &mut lines);
                lines.push(String::new());
                paragraph.clear();
            }
            lines.truncate(30);
            lines
        })
        .collect()
}

/// A PDF of `pages` as scanned images at `dpi`, with no text layer. With
/// `noise` (per mille) a worn copy: a grey paper tone and that share of
/// pixels flipped to dark or light specks, the same for the same text.
pub fn scanned_pdf(pages: &[Vec<String>], dpi: u32, noise: u32) -> Result<Vec<u8>> {
    let text_pdf = super::pdf::render("", pages, |_, _| String::new());
    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let source = dir.path().join("tekst.pdf");
    std::fs::write(&source, &text_pdf).map_err(|e| Error::io(&source, e))?;
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(&source)
        .arg(dir.path().join("side"))
        .status()
        .map_err(|e| Error::io("pdftoppm (installér poppler-utils)", e))?;
    if !status.success() {
        return Err(Error::Invalid(format!("pdftoppm fejlede: {status}")));
    }
    let mut images: Vec<_> = std::fs::read_dir(dir.path())
        .map_err(|e| Error::io(dir.path(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    images.sort();
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::with_capacity(images.len());
    for (n, image) in images.iter().enumerate() {
        let (width, height, mut pixels) = read_pgm(image)?;
        if noise > 0 {
            wear(&mut pixels, noise, n as u64);
        }
        let mut stream = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => width as i64,
                "Height" => height as i64,
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
            },
            pixels,
        );
        stream
            .compress()
            .map_err(|e| Error::Invalid(format!("billedet kunne ikke pakkes: {e}")))?;
        let image_id = doc.add_object(stream);
        let content = b"q 595 0 0 842 0 0 cm /Scan Do Q\n".to_vec();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Scan" => image_id } },
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::Invalid(format!("PDF'en kunne ikke skrives: {e}")))?;
    Ok(out)
}

/// Writes `scanned_pdf(pages, dpi, noise)` to `path`.
pub fn write_scanned_pdf(path: &Path, pages: &[Vec<String>], dpi: u32, noise: u32) -> Result<()> {
    let bytes = scanned_pdf(pages, dpi, noise)?;
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// A worn copy: paper at grey 230–245 instead of white, ink never quite
/// black, and `per_mille` of the pixels specks (half dark, half light).
fn wear(pixels: &mut [u8], per_mille: u32, page: u64) {
    let mut rng = Rng::derive(page, "wear", u64::from(per_mille));
    for p in pixels.iter_mut() {
        let r = rng.below(1000) as u32;
        *p = if r < per_mille / 2 {
            40
        } else if r < per_mille {
            250
        } else {
            // 255 → 230–245, 0 → 20.
            20 + (u32::from(*p) * 210 / 255) as u8 + (r % 16) as u8
        };
    }
}

/// A binary grey PGM (P5, 8 bits) as width, height and pixels.
fn read_pgm(path: &Path) -> Result<(u32, u32, Vec<u8>)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = || Error::Invalid(format!("{}: ikke et PGM-billede", path.display()));
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            return Err(bad());
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    i += 1; // the one whitespace byte after the header
    let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
    if fields[0] != "P5" || num(&fields[3])? != 255 {
        return Err(bad());
    }
    let (w, h) = (num(&fields[1])?, num(&fields[2])?);
    let pixels = bytes.get(i..i + (w * h) as usize).ok_or_else(bad)?.to_vec();
    Ok((w, h, pixels))
}
