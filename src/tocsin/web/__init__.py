"""Static files of the web UI (HTML, CSS, JS written for tocsin; no CDN)."""
