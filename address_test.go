package argos_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestAddressCodeSendsAFormAndDecodes(t *testing.T) {
	c, mt := newMockClient(t)
	var form url.Values
	var contentType string
	mt.RegisterResponder(http.MethodPost, mockBase+"/address_code", func(r *http.Request) (*http.Response, error) {
		contentType = r.Header.Get("Content-Type")
		require.NoError(t, r.ParseForm())
		form = r.PostForm
		return jsonResponder(t, 200, "address_code.json")(r)
	})
	addr, err := c.LookupAddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul, South Korea", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", contentType)
	assert.Equal(t, url.Values{"address": {"1 Sejongno, Jongno-gu, Seoul, South Korea"}, "language": {"en"}}, form)
	assert.EqualExportedValues(t, &argos.AddressCode{FormattedAddress: "1 Sejongno, Jongno-gu, Seoul, South Korea",
		CompoundCode: "HXPG+MP Seoul, South Korea", GlobalCode: "8Q98HXPG+MP"}, addr)

	var s2 argos.Step2Request
	s2.SetAddress(addr)
	assert.Equal(t, addr.GlobalCode, s2.GlobalCode)
	assert.Equal(t, addr.CompoundCode, s2.CompoundCode)
	assert.Equal(t, addr.FormattedAddress, s2.FormattedAddress)
}

func TestAddressCodeNeedsAnAddress(t *testing.T) {
	c, mt := newMockClient(t)
	for _, r := range []*argos.AddressCodeRequest{nil, {}, {Address: "  "}} {
		_, err := c.LookupAddressCode(context.Background(), r)
		assert.ErrorIs(t, err, argos.ErrValidation)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}
