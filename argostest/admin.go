package argostest

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// ControlPrefix is the path below which WithControlAPI serves the fake's
// control endpoints. No path of the real API starts with it.
const ControlPrefix = "/_admin/"

// WithControlAPI adds the control endpoints, for driving the fake from tools
// that cannot call its Go methods (cmd/argos-fake serves them). Not to be
// confused with WithAdmins, the project's dashboard admins. They sit below
// ControlPrefix, on the same server, and need the same x-api-key header as
// the API. They take and return JSON, are not listed by Requests, and
// injected Faults do not apply to them:
//
//	POST   /_admin/step1-script  {"outcomes": ["glare_detected", "read"]}     ScriptStep1
//	POST   /_admin/step2-script  {"outcomes": ["face_mismatch", "approve"]}   ScriptStep2
//	POST   /_admin/kyc-result    {"submission_id": "…", "result": "approved", "comment": ["…"]}   SetKYCResult
//	POST   /_admin/aml-hits      {"submission_id": "…", "hits": 2}             SetAMLHits
//	POST   /_admin/faults        {"method": "POST", "path": "/submission/step2", "status": 503, …}   InjectFault
//	DELETE /_admin/faults                                                     ClearFaults
//	PUT    /_admin/webhook-url   {"url": "https://…", "ca_pem": "-----BEGIN CERTIFICATE-----…"}   WithWebhookURL
//	GET    /_admin/webhooks                                                   FlushWebhooks, then Webhooks
//	POST   /_admin/advance       {"duration": "24h"}                          Advance
//	POST   /_admin/liveform      {"link": "https://form.argosidentity.com/?pid=…", "applicant": {…}}   Liveform
//	POST   /_admin/submissions   {"count": 1000}                              AddSubmissions
//
// Step 1 outcome names are read and the documented retry codes
// (glare_detected, mrz_protocol_fail, document_expired, …; the Step1Outcome
// constants).
// Outcome names are approve, pending, face_mismatch, liveness_fail,
// no_face, multiple_faces, id_verification_fail and reject (the Outcome
// constants). A fault's fields are those of Fault in snake case, with the
// durations in milliseconds: method, path, times, status, body,
// content_type, retry_after, latency_ms, drop, truncate, stall_body_ms.
// ca_pem (optional) is the certificate, PEM-encoded, that the receiver's
// certificate must chain to; without it the system's roots are used; an
// empty url stops webhooks. GET /_admin/webhooks first waits (up to ten
// seconds) for the queued webhooks, then lists every delivery as
// {"trigger", "submission_id", "status_code", "error", "time", "body",
// "payload"}, body and payload as JSON.
//
// duration is a Go duration ("90s", "24h"). The liveform's applicant has
// the fields of Applicant in snake case — name, date_of_birth, email,
// id_type, issuing_country, outcome (an outcome name) — and the answer is
// {"return_url", "submission_id", "error_code"}; a link the fake cannot play
// answers 400. POST /_admin/submissions takes a count from 1 to 100,000 and
// answers {"submission_ids": […]}.
//
// Setters answer 204 No Content; a refused request answers 400 with
// {"message": "…"} saying what is wrong, a wrong key 403, an unknown path
// 404 and a wrong method 405.
func WithControlAPI() ServerOption {
	return func(c *config) { c.admin = true }
}

// adminRoute is one admin endpoint.
type adminRoute struct {
	method string
	serve  func(fk *fake, w http.ResponseWriter, r *http.Request)
}

var adminRoutes = map[string]adminRoute{
	"step1-script": {http.MethodPost, (*fake).adminStep1Script},
	"step2-script": {http.MethodPost, (*fake).adminScript},
	"advance":      {http.MethodPost, (*fake).adminAdvance},
	"liveform":     {http.MethodPost, (*fake).adminLiveform},
	"submissions":  {http.MethodPost, (*fake).adminSubmissions},
	"kyc-result":   {http.MethodPost, (*fake).adminKYCResult},
	"aml-hits":     {http.MethodPost, (*fake).adminAMLHits},
	"webhook-url":  {http.MethodPut, (*fake).adminWebhookURL},
	"webhooks":     {http.MethodGet, (*fake).adminWebhooks},
}

// maxAdminBody bounds an admin request's body.
const maxAdminBody = 1 << 20

// serveAdmin serves a request below ControlPrefix.
func (fk *fake) serveAdmin(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("x-api-key")
	if subtle.ConstantTimeCompare([]byte(key), []byte(fk.cfg.apiKey)) != 1 {
		writeMessage(w, http.StatusForbidden, msgForbidden)
		return
	}
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, ControlPrefix), "/")
	r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
	if name == "faults" {
		switch r.Method {
		case http.MethodPost:
			fk.adminInjectFault(w, r)
		case http.MethodDelete:
			fk.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "POST, DELETE")
			writeMessage(w, http.StatusMethodNotAllowed, "use POST or DELETE")
		}
		return
	}
	rt, ok := adminRoutes[name]
	if !ok {
		writeMessage(w, http.StatusNotFound, "no admin endpoint "+ControlPrefix+name)
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeMessage(w, http.StatusMethodNotAllowed, "use "+rt.method)
		return
	}
	rt.serve(fk, w, r)
}

// decodeAdmin reads a JSON request body into v; on failure it answers 400
// and returns false.
func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		badRequest(w, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// outcomesByName are the admin names of the Outcome constants.
var outcomesByName = map[string]Outcome{
	"approve": OutcomeApprove, "pending": OutcomePending, "face_mismatch": OutcomeFaceMismatch,
	"liveness_fail": OutcomeLivenessFail, "no_face": OutcomeNoFace, "multiple_faces": OutcomeMultipleFaces,
	"id_verification_fail": OutcomeIDVerificationFail, "reject": OutcomeReject,
}

// byNames maps each name to its value in byName; on an unknown name it
// answers 400 naming the valid ones (kind says of what) and returns false.
func byNames[T any](w http.ResponseWriter, names []string, byName map[string]T, kind string) ([]T, bool) {
	out := make([]T, 0, len(names))
	for _, n := range names {
		v, ok := byName[n]
		if !ok {
			valid := make([]string, 0, len(byName))
			for k := range byName {
				valid = append(valid, k)
			}
			sort.Strings(valid)
			badRequest(w, fmt.Sprintf("unknown %s %q: use one of %s", kind, n, strings.Join(valid, ", ")))
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// adminScript serves POST /_admin/step2-script.
func (fk *fake) adminScript(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Outcomes []string `json:"outcomes"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if outcomes, ok := byNames(w, in.Outcomes, outcomesByName, "outcome"); ok {
		fk.ScriptStep2(outcomes...)
		w.WriteHeader(http.StatusNoContent)
	}
}

// adminKYCResult serves POST /_admin/kyc-result.
func (fk *fake) adminKYCResult(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SubmissionID string   `json:"submission_id"`
		Result       string   `json:"result"`
		Comment      []string `json:"comment"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if err := fk.SetKYCResult(in.SubmissionID, argos.KYCStatus(in.Result), in.Comment...); err != nil {
		badRequest(w, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// adminAMLHits serves POST /_admin/aml-hits.
func (fk *fake) adminAMLHits(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SubmissionID string `json:"submission_id"`
		Hits         int    `json:"hits"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if err := fk.SetAMLHits(in.SubmissionID, in.Hits); err != nil {
		badRequest(w, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// adminInjectFault serves POST /_admin/faults.
func (fk *fake) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Method      string `json:"method"`
		Path        string `json:"path"`
		Times       int    `json:"times"`
		Status      int    `json:"status"`
		Body        string `json:"body"`
		ContentType string `json:"content_type"`
		RetryAfter  string `json:"retry_after"`
		LatencyMS   int    `json:"latency_ms"`
		Drop        bool   `json:"drop"`
		Truncate    bool   `json:"truncate"`
		StallBodyMS int    `json:"stall_body_ms"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	switch {
	case in.Status != 0 && (in.Status < 100 || in.Status > 599):
		badRequest(w, fmt.Sprintf("status %d is not an HTTP status", in.Status))
		return
	case in.LatencyMS < 0 || in.StallBodyMS < 0:
		badRequest(w, "latency_ms and stall_body_ms must not be negative")
		return
	}
	fk.InjectFault(Fault{
		Method: in.Method, Path: in.Path, Times: in.Times, Status: in.Status, Body: in.Body,
		ContentType: in.ContentType, RetryAfter: in.RetryAfter,
		Latency: time.Duration(in.LatencyMS) * time.Millisecond, Drop: in.Drop, Truncate: in.Truncate,
		StallBody: time.Duration(in.StallBodyMS) * time.Millisecond,
	})
	w.WriteHeader(http.StatusNoContent)
}

// adminWebhookURL serves PUT /_admin/webhook-url.
func (fk *fake) adminWebhookURL(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL   string `json:"url"`
		CAPEM string `json:"ca_pem"`
	}
	if !decodeAdmin(w, r, &in) {
		return
	}
	if in.URL != "" {
		u, err := url.Parse(in.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			badRequest(w, "url must be an absolute http or https URL")
			return
		}
	}
	var roots *x509.CertPool
	if in.CAPEM != "" {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(in.CAPEM)) {
			badRequest(w, "ca_pem holds no PEM certificate")
			return
		}
	}
	var hc *http.Client
	if roots != nil {
		hc = &http.Client{Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: webhookTimeout,
		}}
	}
	fk.hooks.setURL(in.URL, hc, hc != nil)
	w.WriteHeader(http.StatusNoContent)
}

// adminDelivery is a WebhookDelivery as GET /_admin/webhooks lists it.
type adminDelivery struct {
	Trigger      string          `json:"trigger"`
	SubmissionID string          `json:"submission_id"`
	StatusCode   int             `json:"status_code"`
	Error        string          `json:"error,omitempty"`
	Time         string          `json:"time"`
	Body         json.RawMessage `json:"body"`
	Payload      json.RawMessage `json:"payload"`
}

// adminWebhooks serves GET /_admin/webhooks.
func (fk *fake) adminWebhooks(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), webhookTimeout)
	defer cancel()
	if err := fk.FlushWebhooks(ctx); err != nil && !errors.Is(err, ErrClosed) && r.Context().Err() != nil {
		return // the client is gone
	}
	out := []adminDelivery{}
	for _, d := range fk.Webhooks() {
		a := adminDelivery{
			Trigger: string(d.Trigger), SubmissionID: d.SubmissionID, StatusCode: d.StatusCode,
			Time: d.Time.UTC().Format(time.RFC3339Nano), Body: d.Body, Payload: d.Payload,
		}
		if d.Err != nil {
			a.Error = d.Err.Error()
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, out)
}
