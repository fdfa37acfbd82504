package argostest

import (
	"net/http"

	"github.com/kycgo/argos/internal/securewire"
)

// msgDecryptFailed is the documented answer (PATCH /submission's error
// list) of a project with Secure Data Transmission on to input it cannot
// decrypt; the fake gives it, with 400, to plain input too.
const msgDecryptFailed = "Decryption is Failed. Please check the api-key."

// sealed marks an endpoint that Secure Data Transmission covers: with
// WithSecureTransmission its input must come encrypted (the data query
// parameter of a GET, a {"data": …} or bare Base64 body otherwise) and its
// 2xx answer goes out as {"data": "<Base64>"}. Without the option the
// endpoint is served as it is.
func sealed(ep endpoint) endpoint { return secureEndpoint(securewire.Sealed, ep) }

// flagged is sealed for POST /submission/migration, whose body must be
// {"isEncrypted": true, "data": "<Base64>"}.
func flagged(ep endpoint) endpoint { return secureEndpoint(securewire.Flagged, ep) }

// secureEndpoint wraps ep: the input is decrypted before ep sees it
// (refused with 400 msgDecryptFailed when it is plain or does not decrypt),
// and ep's 2xx answer is encrypted; error answers stay plain, as the docs
// print them. The wire shapes are internal/securewire's, the SDK's own.
func secureEndpoint(mode securewire.Mode, ep endpoint) endpoint {
	return func(h *Handler, w http.ResponseWriter, r *http.Request, b *body) {
		if !h.cfg.secure {
			ep(h, w, r, b)
			return
		}
		if !h.openInput(mode, r, b) {
			badRequest(w, msgDecryptFailed)
			return
		}
		resp := newBufferedResponse()
		ep(h, resp, r, b)
		if resp.status == 0 {
			resp.status = http.StatusOK
		}
		out := resp.body.Bytes()
		if resp.status >= 200 && resp.status < 300 {
			sealedBody, err := securewire.SealBody(h.cfg.apiKey, out, securewire.Sealed)
			if err != nil {
				writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
				return
			}
			out = sealedBody
			resp.header.Set("Content-Type", "application/json")
		}
		for k, v := range resp.header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.status)
		_, _ = w.Write(out)
	}
}

// openInput replaces r's query (a GET) or b's raw body (any other method)
// with its decrypted plain form, and reports whether it could.
func (h *Handler) openInput(mode securewire.Mode, r *http.Request, b *body) bool {
	if r.Method == http.MethodGet {
		q, err := securewire.OpenQuery(h.cfg.apiKey, r.URL.Query())
		if err != nil {
			return false
		}
		r.URL.RawQuery = q.Encode()
		return true
	}
	plain, err := securewire.OpenRequestBody(h.cfg.apiKey, b.raw, mode)
	if err != nil {
		return false
	}
	b.raw = plain
	return true
}
