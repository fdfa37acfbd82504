package argos

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadCappedTrustsAContentLengthOnlySoFar(t *testing.T) {
	t.Run("a body as long as announced is read into one buffer", func(t *testing.T) {
		body := strings.Repeat("x", 10_000)
		b, truncated, err := readCapped(strings.NewReader(body), MaxResponseSize, int64(len(body)))
		require.NoError(t, err)
		assert.False(t, truncated)
		assert.Equal(t, body, string(b))
		assert.Equal(t, len(body)+1, cap(b), "sized from the Content-Length, plus a byte to see EOF")
	})
	t.Run("an inflated Content-Length does not allocate its size", func(t *testing.T) {
		b, _, err := readCapped(strings.NewReader("abc"), MaxResponseSize, MaxResponseSize-1)
		require.NoError(t, err)
		assert.Equal(t, "abc", string(b))
		assert.LessOrEqual(t, cap(b), maxSizeHint+1)
	})
	t.Run("a body over the limit is cut and flagged", func(t *testing.T) {
		b, truncated, err := readCapped(strings.NewReader("abcdef"), 4, -1)
		require.NoError(t, err)
		assert.True(t, truncated)
		assert.Equal(t, "abcd", string(b))
	})
}

func TestTheQueryIsEncodedAsURLValuesWould(t *testing.T) {
	c := &Client{base: "https://api.example/v3"}
	for _, v := range []string{"", "plain", "a b+c", "ü*~._-", "x&y=z", "100%", "\x00\xff", "e@mail.example"} {
		r := &call{path: "/submission", query: query{{"z", v}, {"email", v + "!"}, {"a", "1"}}}
		want := url.Values{"a": {"1"}, "email": {v + "!"}}
		if v != "" {
			want.Set("z", v)
		}
		assert.Equal(t, "https://api.example/v3/submission?"+want.Encode(), c.url(r), "value %q", v)
	}
	assert.Equal(t, "https://api.example/v3/submission", c.url(&call{path: "/submission", query: query{{"a", ""}}}),
		"a query whose values are all empty adds nothing")
}
