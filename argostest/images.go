package argostest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"sync"
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

var (
	samplePNG = sync.OnceValue(func() []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, sampleImage()); err != nil {
			panic(err)
		}
		return b.Bytes()
	})
	sampleJPEG = sync.OnceValue(func() []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, sampleImage(), &jpeg.Options{Quality: 80}); err != nil {
			panic(err)
		}
		return b.Bytes()
	})
)

// SamplePNG returns a small valid PNG image (a drawn card, no person, no real
// document) that the fake, and the API's format check, accept as an ID, face
// or address image. Each call returns a new copy.
func SamplePNG() []byte { return bytes.Clone(samplePNG()) }

// SampleJPEG returns the picture of SamplePNG as a JPEG image. Each call
// returns a new copy.
func SampleJPEG() []byte { return bytes.Clone(sampleJPEG()) }
