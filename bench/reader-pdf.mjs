// A long PDF with real text for the reader benchmark: A4 pages, Helvetica
// (WinAnsi, so æøå are real characters a text layer can select), about 45
// lines of Danish council prose per page, uncompressed. Deterministic.
//
//   node bench/reader-pdf.mjs <pages> <out.pdf>
import { writeFileSync } from "node:fs";

const SENTENCES = [
  "Forvaltningen vurderer, at arbejdsbelastningen i Børne- og Ungeforvaltningen er steget markant siden 2023.",
  "Udvalget indstiller, at budgettet for skoleområdet øges med 3,5 mio. kr. i 2025 og frem.",
  "Sagen har været i høring hos skolebestyrelserne, og høringssvarene er vedlagt som bilag.",
  "Der henvises til Magistratens behandling af sagen den 12. marts, hvor sagen blev udsat.",
  "Trafikplanen for Viby Syd forudsætter, at cykelstien langs Skanderborgvej forlænges.",
  "Økonomien er beskrevet i afsnit 4, og de afledte driftsudgifter afholdes inden for rammen.",
  "Borgerne har givet udtryk for bekymring for støj og trafiksikkerhed omkring skolerne.",
  "Rådmanden orienterede om status for udbygningen af dagtilbud i de nye boligområder.",
];

/** The lines of page `n` (1-based) of `total`. */
export function pageLines(n, total) {
  const lines = [`Bilag 7: Redegørelse om arbejdsbelastning - side ${n} af ${total}`, ""];
  let line = "";
  for (let i = 0; lines.length < 46; i++) {
    const words = SENTENCES[(n * 3 + i) % SENTENCES.length].split(" ");
    for (const w of words) {
      if (line.length + 1 + w.length > 92) {
        lines.push(line);
        line = "";
      }
      line = line ? `${line} ${w}` : w;
    }
    if (i % 4 === 3) {
      lines.push(line);
      lines.push("");
      line = "";
    }
  }
  if (n % 50 === 0) lines.push(`Kontrolord for side ${n}: solsikkemark${n}.`);
  return lines;
}

function esc(s) {
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** The PDF's bytes. */
export function makePdf(total) {
  const chunks = [];
  const offsets = [];
  let length = 0;
  const put = (s) => {
    const b = Buffer.from(s, "latin1");
    chunks.push(b);
    length += b.length;
  };
  const obj = (id, body) => {
    offsets[id] = length;
    put(`${id} 0 obj\n${body}\nendobj\n`);
  };
  put("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const pageIds = [];
  for (let n = 1; n <= total; n++) pageIds.push(3 + 2 * n);
  obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
  obj(2, `<< /Type /Pages /Kids [${pageIds.map((i) => `${i} 0 R`).join(" ")}] /Count ${total} >>`);
  obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  obj(4, `<< /Title (${esc("Redegørelse om arbejdsbelastning (500 sider)")}) /Producer (moedemappe bench) >>`);
  for (let n = 1; n <= total; n++) {
    const text = pageLines(n, total)
      .map((l, i) => (i === 0 ? `(${esc(l)}) Tj` : `T* (${esc(l)}) Tj`))
      .join("\n");
    const stream = `BT /F1 11 Tf 14.5 TL 56 790 Td\n${text}\nET`;
    obj(3 + 2 * n, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${4 + 2 * n} 0 R >>`);
    obj(4 + 2 * n, `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`);
  }
  const count = 5 + 2 * total;
  const xref = length;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let i = 1; i < count; i++) table += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  put(table);
  put(`trailer\n<< /Size ${count} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [pages, out] = process.argv.slice(2);
  if (!pages || !out) {
    console.error("brug: node reader-pdf.mjs <sider> <fil.pdf>");
    process.exit(2);
  }
  writeFileSync(out, makePdf(Number(pages)));
}
