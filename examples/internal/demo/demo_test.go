package demo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The embedded images are copies of the ones internal/cmd/genimages draws
// into testdata/images: this fails when they drift apart.
func TestTheEmbeddedImagesAreTheTestdataImages(t *testing.T) {
	for _, img := range []Image{IDFront, Selfie} {
		want, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "images", img.Name))
		require.NoError(t, err)
		assert.Equal(t, want, img.Data, "%s differs from testdata/images: copy it again after go generate", img.Name)
	}
}
