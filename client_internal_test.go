package argos

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadCappedTrustsAContentLengthOnlySoFar(t *testing.T) {
	t.Run("a body as long as announced is read into one buffer", func(t *testing.T) {
		body := strings.Repeat("x", 10_000)
		b, truncated, err := readCapped(strings.NewReader(body), maxResponseSize, int64(len(body)))
		require.NoError(t, err)
		assert.False(t, truncated)
		assert.Equal(t, body, string(b))
		assert.Equal(t, len(body)+1, cap(b), "sized from the Content-Length, plus a byte to see EOF")
	})
	t.Run("an inflated Content-Length does not allocate its size", func(t *testing.T) {
		b, _, err := readCapped(strings.NewReader("abc"), maxResponseSize, maxResponseSize-1)
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

func TestACallWithoutOptionsRunsOnTheClientItself(t *testing.T) {
	c, err := NewClient("key")
	require.NoError(t, err)
	got, err := c.with(nil)
	require.NoError(t, err)
	assert.Same(t, c, got, "no copy")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = c.with(nil) }), "no allocation")

	withOpts, err := c.with([]Option{WithTimeout(time.Hour)})
	require.NoError(t, err)
	assert.NotSame(t, c, withOpts)
	assert.Equal(t, time.Hour, withOpts.timeout)
	assert.Equal(t, DefaultTimeout, c.timeout, "the client is not changed")
	assert.False(t, withOpts.perCall, "the copy is a plain client once the options are applied")
}
