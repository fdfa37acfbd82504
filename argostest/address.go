package argostest

import (
	"crypto/sha256"
	"net/http"
	"strings"
)

// addressRoutes are the address endpoints.
var addressRoutes = []route{
	{"POST /v3/address_code", v2AndV3, (*Handler).addressCode},
}

// plusAlphabet is the Open Location Code alphabet; the fake's codes look like
// Plus Codes ("8Q98HXPG+MP") without being real ones.
const plusAlphabet = "23456789CFGHJMPQRVWX"

// addressCodeResponse is the body of POST /address_code.
type addressCodeResponse struct {
	FormattedAddress string `json:"formatted_address"`
	CompoundCode     string `json:"compound_code"`
	GlobalCode       string `json:"global_code"`
}

// geocode makes up the codes of an address: the same address always gets the
// same codes. The compound code names the last two comma-separated parts of
// the address, as in "HXPG+MP Seoul, South Korea".
func geocode(address string) addressCodeResponse {
	formatted := strings.Join(strings.Fields(address), " ")
	sum := sha256.Sum256([]byte(strings.ToLower(formatted)))
	code := make([]byte, 0, 11)
	code = append(code, "23456789C"[int(sum[0])%9], plusAlphabet[int(sum[1])%18])
	for i := 2; i < 10; i++ {
		if i == 8 {
			code = append(code, '+')
		}
		code = append(code, plusAlphabet[int(sum[i])%len(plusAlphabet)])
	}
	global := string(code)
	parts := strings.Split(formatted, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	locality := strings.Join(parts[max(0, len(parts)-2):], ", ")
	return addressCodeResponse{
		FormattedAddress: formatted,
		CompoundCode:     global[4:] + " " + locality,
		GlobalCode:       global,
	}
}

// addressCode serves POST /address_code.
func (h *Handler) addressCode(w http.ResponseWriter, _ *http.Request, b *body) {
	if b.parseErr != nil {
		badRequest(w, msgParseFailed)
		return
	}
	addr := strings.TrimSpace(b.form["address"])
	if addr == "" {
		badRequest(w, msgMissingParams)
		return
	}
	writeJSON(w, http.StatusOK, geocode(addr))
}
