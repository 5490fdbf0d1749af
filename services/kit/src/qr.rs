//! QR codes for public pages, as SVG or PNG.

use qrcode::QrCode;
use qrcode::render::svg;

/// An SVG QR code of `url`.
pub fn svg(url: &str) -> Result<String, String> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| e.to_string())?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// An SVG QR code of `url` at least `size` pixels wide, without the XML declaration,
/// so it can sit inside an HTML page.
pub fn inline_svg(url: &str, size: u32) -> Result<String, String> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| e.to_string())?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg").ok_or("no <svg> element")?;
    Ok(svg[start..].to_string())
}

/// A PNG QR code of `url`.
pub fn png(url: &str) -> Result<Vec<u8>, String> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| e.to_string())?;
    let image = code
        .render::<image::Luma<u8>>()
        .min_dimensions(240, 240)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_and_png_are_well_formed() {
        let s = svg("http://localhost:8080/p/1.001193").unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg"), "{}", &s[..60]);
        let p = png("http://localhost:8080/p/1.001193").unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        let decoded = image::load_from_memory(&p).unwrap().to_luma8();
        assert!(decoded.width() >= 240);
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            decoded.width() as usize,
            decoded.height() as usize,
            |x, y| decoded.get_pixel(x as u32, y as u32).0[0],
        );
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, text) = grids[0].decode().unwrap();
        assert_eq!(text, "http://localhost:8080/p/1.001193");
    }
}
