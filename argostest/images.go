package argostest

import (
	"bytes"
	_ "embed" // the committed sample images
	"image"
	"image/color"
)

// sampleImage draws a small picture of a card: a few coloured rectangles, no
// person and no real document.
func sampleImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, 64, 40, color.RGBA{0xe4, 0xee, 0xf8, 0xff})
	fill(0, 0, 64, 8, color.RGBA{0x1f, 0x4e, 0x8c, 0xff})
	fill(4, 12, 20, 34, color.RGBA{0xb4, 0xb8, 0xbe, 0xff})
	fill(24, 14, 58, 17, color.RGBA{0x55, 0x5a, 0x60, 0xff})
	fill(24, 22, 50, 25, color.RGBA{0x55, 0x5a, 0x60, 0xff})
	return img
}

// The sample images are committed bytes, not encoded at run time: an
// encoder's output may change between Go releases (image/png's did in Go
// 1.27), and the fake's answers, the recorded fixtures and the golden files
// of its users' tests must not. TestTheSampleImagesAreTheDrawnCard checks
// they are sampleImage encoded.
var (
	//go:embed images/sample.png
	samplePNGBytes []byte
	//go:embed images/sample.jpg
	sampleJPEGBytes []byte
)

func samplePNG() []byte  { return samplePNGBytes }
func sampleJPEG() []byte { return sampleJPEGBytes }

// SamplePNG returns a small valid PNG image (a drawn card, no person, no real
// document) that the fake, and the API's format check, accept as an ID, face
// or address image. Each call returns a new copy.
func SamplePNG() []byte { return bytes.Clone(samplePNG()) }

// SampleJPEG returns the picture of SamplePNG as a JPEG image. Each call
// returns a new copy.
func SampleJPEG() []byte { return bytes.Clone(sampleJPEG()) }
