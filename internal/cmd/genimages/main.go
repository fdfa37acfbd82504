// Command genimages draws the sample images in testdata/images that the
// SDK's tests upload as ID, selfie and proof-of-address images.
//
// Every image is drawn here from rectangles and circles: none shows a real
// person or a real identity document. The output is deterministic, so
// running the command again rewrites byte-identical files.
//
// Regenerate the files from the module root with:
//
//	go run ./internal/cmd/genimages -out testdata/images
//
// or, equivalently, with "go generate ./internal/cmd/genimages" (see the
// generate directive below the package clause).
//
// It writes id_front.png, id_back.png, selfie.jpg, selfie.png, address.png
// and not_image.txt. It does not write an oversize image: tests build that on
// the fly.
package main

//go:generate go run . -out ../../../testdata/images

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
)

// maxFileSize is the size every generated file must stay under.
const maxFileSize = 30 << 10

var (
	white      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	paper      = color.RGBA{0xf7, 0xf5, 0xee, 0xff}
	cardBlue   = color.RGBA{0xe4, 0xee, 0xf8, 0xff}
	headerBlue = color.RGBA{0x1f, 0x4e, 0x8c, 0xff}
	stripe     = color.RGBA{0xc8, 0x3a, 0x3a, 0xff}
	grey       = color.RGBA{0xb4, 0xb8, 0xbe, 0xff}
	darkGrey   = color.RGBA{0x55, 0x5a, 0x60, 0xff}
	ink        = color.RGBA{0x30, 0x34, 0x3a, 0xff}
	skin       = color.RGBA{0xf1, 0xc2, 0x9a, 0xff}
	hair       = color.RGBA{0x4a, 0x32, 0x22, 0xff}
	mouth      = color.RGBA{0xb0, 0x40, 0x40, 0xff}
	sky        = color.RGBA{0xcf, 0xe3, 0xf0, 0xff}
	shirt      = color.RGBA{0x3c, 0x7d, 0x5a, 0xff}
	gold       = color.RGBA{0xd8, 0xb0, 0x40, 0xff}
)

func main() {
	out := flag.String("out", "testdata/images", "directory to write the images to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genimages:", err)
		os.Exit(1)
	}
}

// run draws every image and writes it into dir.
func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name   string
		encode func() ([]byte, error)
	}{
		{"id_front.png", func() ([]byte, error) { return encodePNG(idFront()) }},
		{"id_back.png", func() ([]byte, error) { return encodePNG(idBack()) }},
		{"selfie.jpg", func() ([]byte, error) { return encodeJPEG(selfie(), 80) }},
		{"selfie.png", func() ([]byte, error) { return encodePNG(selfie()) }},
		{"address.png", func() ([]byte, error) { return encodePNG(addressDoc()) }},
		{"not_image.txt", func() ([]byte, error) {
			return []byte("This is a plain text file, not an image.\nUploading it as an ID or face image must fail before any request is sent.\n"), nil
		}},
	}
	for _, f := range files {
		b, err := f.encode()
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if len(b) >= maxFileSize {
			return fmt.Errorf("%s: %d bytes, want under %d", f.name, len(b), maxFileSize)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s\t%d bytes\n", f.name, len(b))
	}
	return nil
}

// idFront draws the front of a made-up ID card: header band, photo box with
// a drawn face, and bars standing in for printed text.
func idFront() image.Image {
	img := canvas(320, 200, cardBlue)
	fillRect(img, image.Rect(0, 0, 320, 36), headerBlue)
	fillRect(img, image.Rect(0, 36, 320, 40), stripe)
	// Title "text" in the header.
	bars(img, 100, 10, []int{120, 60}, 7, 4, white)
	// Emblem.
	fillCircle(img, 30, 18, 12, gold)
	fillCircle(img, 30, 18, 6, headerBlue)
	// Photo box with a face.
	fillRect(img, image.Rect(16, 54, 106, 174), grey)
	drawFace(img, 61, 112, 28)
	// Data lines: label bar then value bar.
	y := 58
	for _, w := range []int{150, 120, 170, 90, 140} {
		fillRect(img, image.Rect(124, y, 124+40, y+5), darkGrey)
		fillRect(img, image.Rect(124, y+8, 124+w, y+15), ink)
		y += 24
	}
	// Signature squiggle made of small steps.
	for x := 0; x < 60; x++ {
		dy := (x / 6 % 2) * 3
		fillRect(img, image.Rect(240+x, 176+dy, 241+x, 178+dy), ink)
	}
	return img
}

// idBack draws the back of the made-up ID card: a magnetic-stripe band, a
// barcode-like block and an MRZ-like zone.
func idBack() image.Image {
	img := canvas(320, 200, cardBlue)
	fillRect(img, image.Rect(0, 16, 320, 52), ink)
	// Barcode-like block: fixed pattern of stripe widths.
	x := 20
	for i, w := range []int{2, 1, 3, 1, 1, 2, 4, 1, 2, 3, 1, 1, 2, 1, 3, 2, 1, 4, 1, 2, 2, 1, 3, 1, 2, 1, 1, 3, 2, 1} {
		if i%2 == 0 {
			fillRect(img, image.Rect(x, 66, x+w*2, 116), ink)
		}
		x += w * 2
	}
	bars(img, 190, 70, []int{110, 90, 100}, 6, 10, darkGrey)
	// MRZ-like zone: three rows of small blocks.
	fillRect(img, image.Rect(0, 128, 320, 200), white)
	for row := 0; row < 3; row++ {
		for col := 0; col < 30; col++ {
			if (row*7+col*3)%5 == 0 {
				continue // a gap, like a filler character
			}
			x0 := 12 + col*10
			y0 := 138 + row*20
			fillRect(img, image.Rect(x0, y0, x0+7, y0+11), ink)
		}
	}
	return img
}

// selfie draws a simple cartoon head and shoulders, portrait format.
func selfie() image.Image {
	img := canvas(240, 320, sky)
	// Shoulders.
	fillEllipse(img, 120, 330, 100, 70, shirt)
	fillRect(img, image.Rect(104, 220, 136, 262), skin)
	drawFace(img, 120, 150, 70)
	return img
}

// addressDoc draws a document-like page: letterhead, address block,
// paragraphs of bars and a table.
func addressDoc() image.Image {
	img := canvas(240, 320, paper)
	fillRect(img, image.Rect(0, 0, 240, 28), headerBlue)
	bars(img, 14, 10, []int{80}, 8, 0, white)
	// Recipient address block.
	bars(img, 14, 42, []int{90, 120, 70}, 5, 5, ink)
	// Paragraphs.
	y := 90
	for p := 0; p < 3; p++ {
		widths := []int{210, 200, 212, 190, 120}
		bars(img, 14, y, widths[:3+p%3], 4, 5, darkGrey)
		y += (3+p%3)*9 + 12
	}
	// Table of amounts.
	for r := 0; r < 4; r++ {
		yy := 230 + r*16
		fillRect(img, image.Rect(14, yy, 226, yy+1), grey)
		fillRect(img, image.Rect(18, yy+5, 18+60+r*10, yy+10), ink)
		fillRect(img, image.Rect(180, yy+5, 220, yy+10), ink)
	}
	fillRect(img, image.Rect(14, 294, 226, 295), grey)
	return img
}

// drawFace draws a cartoon face centred on (cx, cy) with radius r.
func drawFace(img *image.RGBA, cx, cy, r int) {
	fillEllipse(img, cx, cy-r/4, r+r/10, r, hair)
	fillEllipse(img, cx, cy+r/10, r*85/100, r, skin)
	fillEllipse(img, cx, cy-r*6/10, r*8/10, r*3/10, hair)
	// Eyes.
	eyeDX, eyeY, eyeR := r*35/100, cy-r/10, max(r/8, 2)
	fillCircle(img, cx-eyeDX, eyeY, eyeR+eyeR/2, white)
	fillCircle(img, cx+eyeDX, eyeY, eyeR+eyeR/2, white)
	fillCircle(img, cx-eyeDX, eyeY, eyeR, ink)
	fillCircle(img, cx+eyeDX, eyeY, eyeR, ink)
	// Nose and mouth.
	fillRect(img, image.Rect(cx-max(r/20, 1), cy, cx+max(r/20, 1), cy+r/4), darkGrey)
	fillEllipse(img, cx, cy+r/2, r*3/10, max(r/12, 2), mouth)
}

// bars draws one horizontal bar per width, starting at (x, y), each h pixels
// high with gap pixels between them: stand-ins for lines of text.
func bars(img *image.RGBA, x, y int, widths []int, h, gap int, c color.Color) {
	for _, w := range widths {
		fillRect(img, image.Rect(x, y, x+w, y+h), c)
		y += h + gap
	}
}

// canvas returns a w×h image filled with bg.
func canvas(w, h int, bg color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, img.Bounds(), bg)
	return img
}

// fillRect paints r in colour c.
func fillRect(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// fillCircle paints a disc of radius r centred on (cx, cy).
func fillCircle(img *image.RGBA, cx, cy, r int, c color.Color) {
	fillEllipse(img, cx, cy, r, r, c)
}

// fillEllipse paints an axis-aligned ellipse with radii rx, ry centred on
// (cx, cy).
func fillEllipse(img *image.RGBA, cx, cy, rx, ry int, c color.Color) {
	if rx <= 0 || ry <= 0 {
		return
	}
	b := img.Bounds()
	for y := cy - ry; y <= cy+ry; y++ {
		for x := cx - rx; x <= cx+rx; x++ {
			dx, dy := x-cx, y-cy
			if dx*dx*ry*ry+dy*dy*rx*rx <= rx*rx*ry*ry && image.Pt(x, y).In(b) {
				img.Set(x, y, c)
			}
		}
	}
}

// encodePNG encodes img as a maximally compressed PNG.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeJPEG encodes img as a JPEG of the given quality.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
