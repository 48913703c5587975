//! Tauri's build step: reads tauri.conf.json, embeds ui/dist and the icons.

fn main() {
    tauri_build::build()
}
