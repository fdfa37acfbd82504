package argos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kycgo/argos/internal/endpoint"
)

// AddressCodeRequest is the form of POST /address_code. Address is
// required; Language (for example "en") is optional.
type AddressCodeRequest struct {
	Address  string
	Language string
}

// LogValue implements slog.LogValuer without the address.
func (r AddressCodeRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("language", r.Language))
}

// Format prints a redacted summary for every verb.
func (r AddressCodeRequest) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.AddressCodeRequest{Language:"+r.Language+" Address:"+redacted+"}")
}

// AddressCode is the normalised address POST /address_code returns; pass it
// to Step2Request.SetAddress.
type AddressCode struct {
	FormattedAddress string `json:"formatted_address"`
	CompoundCode     string `json:"compound_code"`
	GlobalCode       string `json:"global_code"`

	answer // Raw
}

// LogValue implements slog.LogValuer: "[REDACTED]" (an address is personal
// data).
func (AddressCode) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (AddressCode) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LookupAddressCode turns a typed address into the codes Step 2 expects, for
// projects that collect an address.
//
// It calls POST /address_code (form-urlencoded). The request is never
// repeated once it may have reached Argos.
//
// Argos docs: the API guide lists POST /address_code without a page of its own: https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide
func (c *Client) LookupAddressCode(ctx context.Context, r *AddressCodeRequest, opts ...Option) (*AddressCode, error) {
	c, err := c.begin(endpoint.LookupAddressCode, opts)
	if err != nil {
		return nil, err
	}
	const op = "LookupAddressCode"
	if r == nil {
		return nil, &ValidationError{Field: "AddressCodeRequest", Reason: "is nil"}
	}
	if strings.TrimSpace(r.Address) == "" {
		return nil, &ValidationError{Field: "Address", Reason: "is required"}
	}
	if err := checkText("Language", r.Language); err != nil {
		return nil, err
	}
	form := query{{"address", r.Address}, {"language", r.Language}}
	encoded := form.encode()
	cl := newCall(endpoint.LookupAddressCode, nil)
	cl.body = func() io.ReadCloser { return io.NopCloser(strings.NewReader(encoded)) }
	cl.bodyLen, cl.contentType, cl.form = int64(len(encoded)), "application/x-www-form-urlencoded", form
	a := &AddressCode{} // compoundCode and globalCode, as Step 2 spells them, are read too
	if err := c.doJSON(ctx, cl, a, false); err != nil {
		return nil, err
	}
	if a.FormattedAddress == "" && a.CompoundCode == "" && a.GlobalCode == "" {
		return nil, unexpected(op, "no formatted_address, compound_code or global_code field")
	}
	return a, nil
}
