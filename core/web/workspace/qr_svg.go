package workspace

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrSVG draws text as a QR code in inline SVG: one path of unit squares
// with a quiet zone of four modules, scaled by the page's CSS. Vector
// graphics print sharply at any label size, and an inline image needs no
// second request and no script.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("web: QR code of %q: %w", text, err)
	}
	b := code.Bounds()
	n := b.Dx()
	const quiet = 4
	var path strings.Builder
	for y := range b.Dy() {
		for x := range n {
			if r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA(); r == 0 {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	size := n + 2*quiet
	// text and label are escaped; the rest is numbers.
	return template.HTML(fmt.Sprintf(`<svg class="vg-label-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		size, size, template.HTMLEscapeString(label), size, size, path.String())), nil
}
