//! Reading a QR code back: the SVG the portal serves is drawn into a bitmap and decoded by an
//! independent decoder (rqrr), so a test sees what a phone's camera would read.

/// The text a QR code SVG (as the `qrcode` crate draws it: one path of `M x y h w v h H x V y`
/// rectangles) encodes.
pub fn decode_svg(svg: &str) -> String {
    let number = |name: &str| -> usize {
        let at = svg.find(&format!(" {name}=\"")).expect("svg size") + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (width, height) = (number("width"), number("height"));
    let path_at = svg.find(" d=\"").expect("a path of dark modules") + 4;
    let path = svg[path_at..].split('"').next().unwrap();
    let mut dark = vec![false; width * height];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        // "left top h w v h H left V top"
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let (left, top, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for y in top..top + h {
            for x in left..left + w {
                dark[y * width + x] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    content
}
