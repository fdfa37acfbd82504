package argostest

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheSampleImagesAreTheDrawnCard checks the committed bytes against
// what they stand for: SamplePNG is sampleImage, pixel for pixel, and
// SampleJPEG decodes to its size; the placeholders are 1×1 images of the
// grey they were made of.
func TestTheSampleImagesAreTheDrawnCard(t *testing.T) {
	want := sampleImage()
	got, err := png.Decode(bytes.NewReader(SamplePNG()))
	require.NoError(t, err)
	require.Equal(t, want.Bounds(), got.Bounds())
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			require.Equal(t, color.RGBAModel.Convert(want.At(x, y)), color.RGBAModel.Convert(got.At(x, y)), "pixel %d,%d", x, y)
		}
	}
	j, err := jpeg.Decode(bytes.NewReader(SampleJPEG()))
	require.NoError(t, err)
	assert.Equal(t, want.Bounds(), j.Bounds())

	for name, decode := range map[string]func() (image.Image, error){
		"png":  func() (image.Image, error) { return png.Decode(bytes.NewReader(placeholderPNG)) },
		"jpeg": func() (image.Image, error) { return jpeg.Decode(bytes.NewReader(placeholderJPEG)) },
		"gif":  func() (image.Image, error) { return gif.Decode(bytes.NewReader(placeholderGIF)) },
	} {
		img, err := decode()
		require.NoError(t, err, name)
		assert.Equal(t, image.Rect(0, 0, 1, 1), img.Bounds(), name)
		r, _, _, _ := img.At(0, 0).RGBA()
		assert.InDelta(t, 0x80, r>>8, 2, "%s: the placeholder's grey", name)
	}
}
