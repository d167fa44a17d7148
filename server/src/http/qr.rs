//! QR codes drawn here, as inline SVG: an authenticator setup's `otpauth://` URL carries the
//! shared secret, so it is never sent to a third-party QR service to draw.

use qrcode::render::svg;
use qrcode::types::QrError;
use qrcode::{EcLevel, QrCode};

/// `text` as an `<svg>` element (no XML declaration, so it can go straight into a page),
/// black on white with the quiet zone scanners need, at least 200 px square. Error correction
/// M (15 %): a phone camera reads a screen easily, and the code stays small.
pub fn svg(text: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setup_url_is_one_svg_element() {
        let drawn = svg(
            "otpauth://totp/Gatehouse:ada%40example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Gatehouse",
        )
        .unwrap();
        assert!(drawn.starts_with("<svg"), "{drawn}");
        assert!(drawn.ends_with("</svg>"), "{drawn}");
        assert!(drawn.contains("<path"));
        assert!(!drawn.contains("<?xml"));
    }

    #[test]
    fn text_too_long_for_a_qr_code_is_an_error() {
        assert!(svg(&"x".repeat(8000)).is_err());
    }
}
