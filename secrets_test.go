package argos_test

// Secrets and PII, end to end: the API key and applicants' data never show
// in printed values, logs, error strings or requests to hosts other than the
// API's; and TLS is verified and at least 1.2.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
)

const (
	secretAPIKey   = "sec-live-key-Zq81xT0pWv4m"
	secretEmail    = "alice.secret@example.com"
	secretUserID   = "user-secret-4411"
	secretName     = "Alice Secretperson"
	secretDOB      = "1985-07-14"
	secretIDNumber = "850714-2345678"
	secretAddress  = "12 Hidden Lane, Secretville"
	secretFileName = "alice-secretperson-passport.png"
)

// printedForms prints v with every verb a caller might use.
func printedForms(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v)
	return out
}

// loggedForms logs v through slog's text and JSON handlers, as an attribute and
// inside a group.
func loggedForms(v any) map[string]string {
	out := map[string]string{}
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"slog text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"slog JSON": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		var buf bytes.Buffer
		l := slog.New(mk(&buf))
		l.Info("value", "v", v)
		l.Info("group", slog.Group("g", slog.Any("v", v)))
		out[name] = buf.String()
	}
	return out
}

// assertHidden fails for each output that contains a secret, quoting
// only the text around it.
// verifyNoLeaks checks for leaked goroutines after the test's cleanups (which
// close its servers) have run.
func verifyNoLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

func assertHidden(t *testing.T, outputs map[string]string, secrets ...string) {
	t.Helper()
	for how, s := range outputs {
		for _, secret := range secrets {
			if i := strings.Index(s, secret); i >= 0 {
				from, to := max(i-60, 0), min(i+len(secret)+60, len(s))
				t.Errorf("%s shows %q: …%s…", how, secret, s[from:to])
			}
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestSecretClientNeverPrintsKey(t *testing.T) {
	c, err := argos.NewClient(secretAPIKey, argos.WithBaseURL(argos.BaseURLV3))
	require.NoError(t, err)
	outputs := printedForms(c)
	for how, s := range loggedForms(c) {
		outputs[how] = s
	}
	outputs["json.Marshal"] = string(mustJSON(t, c))
	// A copied Client value has no Format method; its fields must not reveal
	// the key either.
	for how, s := range printedForms(*c) {
		outputs["value "+how] = s
	}
	assertHidden(t, outputs, secretAPIKey, "Zq81xT0pWv4m")
}

// guideSubmission is the guide's sample submission, decoded as the client
// decodes it.
func guideSubmission(t *testing.T) argos.Submission {
	t.Helper()
	list := decodePage(t, fixture(t, "submission_single_guide.json"))
	require.Len(t, list.Items, 1)
	s := list.Items[0]
	// Preconditions: the fixture does carry the data the test looks for.
	require.Equal(t, "홍길동", s.Data.Name)
	require.Equal(t, "test@gmail.com", s.Email)
	require.Equal(t, "1998-11-12", s.Data.DateOfBirth)
	require.Equal(t, "981112-1******", s.Data.IdentityNumber)
	return s
}

// The guide sample's personal data.
var guidePII = []string{"홍길동", "test@gmail.com", "1998-11-12", "981112-1", "test1"}

func TestSecretPIITypesPrintAndLogRedacted(t *testing.T) {
	sub := guideSubmission(t)
	file := &argos.File{Name: secretFileName, ContentType: "image/png", Body: strings.NewReader("png")}
	step1 := argos.Step1Request{IssuingCountry: "KOR", Email: secretEmail, IDType: "passport", UserID: secretUserID,
		CF1: secretName, IDImage: file, IDBackImage: &argos.File{Name: secretFileName}}
	step2 := argos.Step2Request{SubmissionID: "sub-1", Name: secretName, DateOfBirth: secretDOB, IdentityNumber: secretIDNumber,
		DocumentNumber: secretIDNumber, FormattedAddress: secretAddress, AddressInput: secretAddress, FaceImage: file}
	addr := argos.AddressCodeRequest{Address: secretAddress, Language: "en"}
	ourPII := []string{secretEmail, secretUserID, secretName, secretDOB, secretIDNumber, "2345678", secretAddress, secretFileName}

	for _, tc := range []struct {
		name    string
		v       any
		secrets []string
	}{
		{"a Submission", sub, guidePII},
		{"a *Submission", &sub, guidePII},
		{"ApplicantData", sub.Data, guidePII[:4]},
		{"*ApplicantData", &sub.Data, guidePII[:4]},
		{"an Attempt's VerificationParams", sub.KYC.Attempts[0].VerificationParams, guidePII[:4]},
		{"a Step1Request", step1, ourPII},
		{"a *Step1Request", &step1, ourPII},
		{"a Step2Request", step2, ourPII},
		{"a *Step2Request", &step2, ourPII},
		{"an AddressCodeRequest", addr, ourPII},
		{"a *AddressCodeRequest", &addr, ourPII},
		{"a *File", file, ourPII},
		{"a File value", *file, ourPII},
	} {
		t.Run(tc.name+" prints and logs without personal data", func(t *testing.T) {
			outputs := printedForms(tc.v)
			for how, s := range loggedForms(tc.v) {
				outputs[how] = s
			}
			assertHidden(t, outputs, tc.secrets...)
		})
	}
}

// TestSecretResultContainersLogRedacted logs the result types that hold
// applicants' data through slog's JSON handler, which falls back to
// json.Marshal for values that are not slog.LogValuers: a Submission logs
// redacted on its own and must not leak when it is inside a page.
func TestSecretResultContainersLogRedacted(t *testing.T) {
	sub := guideSubmission(t)
	list := argos.SubmissionList{Items: []argos.Submission{sub}}
	c, _ := v3JSON(t, "step1_guide.json")
	s1, err := c.SubmitStep1(context.Background(), &argos.Step1Request{IssuingCountry: "USA", Email: "a@example.com",
		IDType: argos.IDPassport, IDImage: &argos.File{Body: bytes.NewReader(readImage(t, "id_front.png"))}})
	require.NoError(t, err)
	step1 := *s1
	require.Equal(t, "John Smith", step1.ReviewOCRData.Name)

	for _, tc := range []struct {
		name    string
		v       any
		secrets []string
	}{
		{"a SubmissionList", list, guidePII[:4]},
		{"a *SubmissionList", &list, guidePII[:4]},
		{"a Step1Result", step1, []string{"John Smith", "1975-08-25"}},
		{"a *Step1Result", &step1, []string{"John Smith", "1975-08-25"}},
	} {
		t.Run(tc.name+" prints and logs without personal data", func(t *testing.T) {
			outputs := printedForms(tc.v)
			for how, s := range loggedForms(tc.v) {
				outputs[how] = s
			}
			assertHidden(t, outputs, tc.secrets...)
		})
	}
}

// quietTLSServer is an httptest TLS server whose handler the test sets.
func quietTLSServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = discardLog()
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func secretsClient(t *testing.T, base string, hc *http.Client, opts ...argos.Option) *argos.Client {
	t.Helper()
	all := append([]argos.Option{argos.WithBaseURL(base), argos.WithHTTPClient(hc),
		argos.WithRetryPolicy(fastRetries), argos.WithTimeout(5 * time.Second)}, opts...)
	c, err := argos.NewClient(secretAPIKey, all...)
	require.NoError(t, err)
	return c
}

// errorForms are the ways an error is commonly printed or logged.
func errorForms(err error) map[string]string {
	out := map[string]string{"Error": err.Error()}
	for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
		out[verb] = fmt.Sprintf(verb, err)
	}
	for how, s := range loggedForms(err) {
		out[how] = s
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("call failed", "err", err)
	out["slog JSON err"] = buf.String()
	return out
}

// The values every filtered call carries.
var filteredCallPII = []string{secretAPIKey, secretEmail, url.QueryEscape(secretEmail), secretUserID, secretName, secretIDNumber, "2345678", secretAddress}

func filteredParams() *argos.ListSubmissionsParams {
	return &argos.ListSubmissionsParams{Email: secretEmail, UserID: secretUserID}
}

func TestSecretErrorStringsCarryNoPII(t *testing.T) {
	verifyNoLeaks(t)
	ctx := context.Background()

	t.Run("APIError bodies that echo applicant data or the key", func(t *testing.T) {
		bodies := map[string]struct{ ct, body string }{
			"message":           {"application/json", `{"message":"applicant alice.secret@example.com with ID 850714-2345678 already exists"}`},
			"errorCode+message": {"application/json", `{"errorCode":"duplicate alice.secret@example.com","message":"ID 850714-2345678 taken"}`},
			"traceId":           {"application/json", `{"traceId":"alice.secret@example.com","errorCode":"NOT_FOUND","message":"x"}`},
			"errors array":      {"application/json", `{"errors":[{"message":"user-secret-4411 / alice.secret@example.com"}]}`},
			"JSON string":       {"application/json", `"no submission for alice.secret@example.com (ID 850714-2345678)"`},
			"plain text":        {"text/plain", "invalid email alice.secret@example.com for Alice Secretperson, ID 8507142345678"},
			"name echoed":       {"application/json", `{"message":"Alice Secretperson born 1985-07-14 is a duplicate"}`},
			"API key echoed":    {"application/json", `{"message":"invalid api key sec-live-key-Zq81xT0pWv4m"}`},
			"key in errorCode":  {"application/json", `{"errorCode":"sec-live-key-Zq81xT0pWv4m","message":"Forbidden"}`},
		}
		for name, b := range bodies {
			t.Run(name, func(t *testing.T) {
				srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", b.ct)
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, b.body)
				})
				c := secretsClient(t, srv.URL+"/v2", srv.Client())
				// Each call must hide the key, any email and ID number, and
				// the applicant values it sent itself.
				_, err := c.ListSubmissions(ctx, filteredParams())
				var apiErr *argos.APIError
				require.ErrorAs(t, err, &apiErr)
				assertHidden(t, errorForms(err), secretAPIKey, secretEmail, secretUserID, "2345678")
				_, err = c.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: "s1", Name: secretName, DateOfBirth: secretDOB,
					IdentityNumber: secretIDNumber, FaceImage: &argos.File{Body: bytes.NewReader(fixture(t, "images/selfie.jpg"))}})
				require.ErrorAs(t, err, &apiErr)
				assertHidden(t, errorForms(err), secretAPIKey, secretEmail, secretName, secretDOB, "2345678")
			})
		}
	})

	t.Run("a 200 the SDK cannot decode", func(t *testing.T) {
		srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; note="+secretEmail)
			_, _ = io.WriteString(w, `{"Items":[{"email":"alice.secret@example.com","data":{"name":"Alice Secretperson"`)
		})
		c := secretsClient(t, srv.URL+"/v2", srv.Client())
		_, err := c.ListSubmissions(ctx, filteredParams())
		require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
		assertHidden(t, errorForms(err), secretAPIKey, secretEmail, secretUserID, "Alice")
	})

	// Transport failures of a call filtered by email and user ID: the
	// *url.Error inside names the URL, which must have lost its query.
	transport := []struct {
		name  string
		setup func(t *testing.T) (base string, hc *http.Client, opts []argos.Option)
	}{
		{"connection refused", func(t *testing.T) (string, *http.Client, []argos.Option) {
			return "https://" + closedPort(t) + "/v2", &http.Client{Transport: &http.Transport{}}, nil
		}},
		{"connection reset", func(t *testing.T) (string, *http.Client, []argos.Option) {
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) { resetConnection(w, r, true) })
			return srv.URL + "/v2", srv.Client(), nil
		}},
		{"timeout", func(t *testing.T) (string, *http.Client, []argos.Option) {
			done := make(chan struct{})
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-done:
				}
			})
			t.Cleanup(func() { close(done) })
			return srv.URL + "/v2", srv.Client(), []argos.Option{argos.WithTimeout(50 * time.Millisecond)}
		}},
		{"untrusted certificate", func(t *testing.T) (string, *http.Client, []argos.Option) {
			srv := httptest.NewUnstartedServer(http.NotFoundHandler())
			srv.Config.ErrorLog = discardLog()
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{selfSignedCert(t)}}
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", &http.Client{Transport: &http.Transport{}}, nil
		}},
		{"redirect to plain HTTP (Location with the query)", func(t *testing.T) (string, *http.Client, []argos.Option) {
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://127.0.0.1:1"+r.URL.RequestURI(), http.StatusFound)
			})
			return srv.URL + "/v2", srv.Client(), nil
		}},
		{"redirect loop (Location with the query)", func(t *testing.T) (string, *http.Client, []argos.Option) {
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
			})
			return srv.URL + "/v2", srv.Client(), nil
		}},
		{"redirect to a dead host", func(t *testing.T) (string, *http.Client, []argos.Option) {
			dead := closedPort(t)
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://"+dead+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			})
			return srv.URL + "/v2", srv.Client(), nil
		}},
	}
	for _, tc := range transport {
		t.Run("transport error: "+tc.name, func(t *testing.T) {
			base, hc, opts := tc.setup(t)
			t.Cleanup(hc.CloseIdleConnections)
			c := secretsClient(t, base, hc, opts...)

			_, err := c.ListSubmissions(ctx, filteredParams())
			require.Error(t, err)
			assertHidden(t, errorForms(err), filteredCallPII...)
			var ue *url.Error
			if errors.As(err, &ue) {
				assert.NotContains(t, ue.URL, "?", "the *url.Error's URL keeps its query")
				assert.NotContains(t, ue.URL, "@")
			}

			_, err = c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: secretAddress})
			require.Error(t, err)
			assertHidden(t, errorForms(err), filteredCallPII...)

			_, err = c.SubmitStep1(ctx, &argos.Step1Request{IssuingCountry: "KOR", Email: secretEmail, IDType: "passport",
				UserID: secretUserID, IDImage: &argos.File{Name: secretFileName, Body: bytes.NewReader(fixture(t, "images/id_front.png"))}})
			require.Error(t, err)
			assertHidden(t, errorForms(err), append(filteredCallPII, secretFileName)...)
		})
	}
}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSecretLogsCarryNoPII(t *testing.T) {
	verifyNoLeaks(t)
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
		},
		"JSON": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
		},
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			srv := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				switch {
				case n.Add(1) == 1:
					w.WriteHeader(http.StatusServiceUnavailable) // one retry, logged
				case r.URL.Path == "/v2/submission/step1":
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"message":"alice.secret@example.com is already approved"}`)
				default:
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write(fixture(t, "submission_list_guide.json"))
				}
			})
			logs := &syncBuffer{}
			c := secretsClient(t, srv.URL+"/v2", srv.Client(), argos.WithLogger(slog.New(mk(logs))))
			ctx := context.Background()
			_, err := c.ListSubmissions(ctx, filteredParams())
			require.NoError(t, err)
			_, err = c.SubmitStep1(ctx, &argos.Step1Request{IssuingCountry: "KOR", Email: secretEmail, IDType: "passport",
				UserID: secretUserID, IDImage: &argos.File{Name: secretFileName, Body: bytes.NewReader(fixture(t, "images/id_front.png"))}})
			require.Error(t, err)

			// And a call that fails in the transport.
			dead := secretsClient(t, "https://"+closedPort(t)+"/v2", &http.Client{Transport: &http.Transport{}},
				argos.WithLogger(slog.New(mk(logs))))
			_, err = dead.ListSubmissions(ctx, filteredParams())
			require.Error(t, err)

			out := logs.String()
			require.NotEmpty(t, out, "the client logged nothing at debug level")
			for _, secret := range append(filteredCallPII, secretFileName, "email=", "userid=", "?", "x-api-key") {
				assert.NotContains(t, out, secret, "the logs carry %q", secret)
			}
		})
	}
}

// TestSecretRedirectToAnotherHost: server A (the API) redirects to server B
// on another port, which for the SDK is another host (URL.Host includes the
// port). B must never see the API key or the query of the request to A.
func TestSecretRedirectToAnotherHost(t *testing.T) {
	verifyNoLeaks(t)
	type seen struct {
		header http.Header
		url    string
	}
	var (
		mu    sync.Mutex
		atB   []seen
		bHits atomic.Int32
	)
	b := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		bHits.Add(1)
		mu.Lock()
		atB = append(atB, seen{header: r.Header.Clone(), url: r.URL.String()})
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/image"):
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(fixture(t, "images/id_front.png"))
		case strings.HasSuffix(r.URL.Path, "/forbidden"):
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"message":"Forbidden"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(fixture(t, "submission_list_guide.json"))
		}
	})
	var aHits atomic.Int32
	a := quietTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		aHits.Add(1)
		if r.Header.Get("x-api-key") != secretAPIKey {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		// B's URL carries no query of its own: whatever B learns of ours
		// came from the client.
		target := b.URL + r.URL.Path
		if r.URL.Query().Get("type") == "forbidden" {
			target = b.URL + "/forbidden"
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	})
	require.NotEqual(t, a.Listener.Addr().String(), b.Listener.Addr().String())
	c := secretsClient(t, a.URL+"/v2", a.Client())
	ctx := context.Background()

	list, err := c.ListSubmissions(ctx, filteredParams())
	require.NoError(t, err, "a redirect to another host is followed, without the key")
	assert.Len(t, list.Items, 2)

	d, err := c.DownloadImage(ctx, "sub-secret-1", argos.ImageID)
	require.NoError(t, err)
	got, err := io.ReadAll(d.Body)
	require.NoError(t, err)
	require.NoError(t, d.Body.Close())
	assert.Equal(t, fixture(t, "images/id_front.png"), got)
	assertHidden(t, printedForms(d), secretAPIKey, b.URL)

	_, err = c.DownloadImage(ctx, "sub-secret-1", argos.ImageType("forbidden"))
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr, "B's 403 is an APIError")
	assertHidden(t, errorForms(err), secretAPIKey, secretEmail)

	mu.Lock()
	defer mu.Unlock()
	require.EqualValues(t, 3, bHits.Load())
	for _, s := range atB {
		assert.Empty(t, s.header.Values("x-api-key"), "host B received the API key")
		for name, vs := range s.header {
			for _, v := range vs {
				for _, secret := range []string{secretAPIKey, secretEmail, url.QueryEscape(secretEmail), secretUserID, "sub-secret-1"} {
					assert.NotContains(t, v, secret, "host B received %q in its %s header (%s)", secret, name, v)
				}
			}
		}
		assert.NotContains(t, s.url, secretEmail)
	}
}

// TestTLSDefaultTransportRefusesUntrustedCertificate: without WithHTTPClient
// the SDK verifies certificates, and a verification failure is final.
func TestTLSDefaultTransportRefusesUntrustedCertificate(t *testing.T) {
	verifyNoLeaks(t)
	for _, cert := range []struct {
		name string
		cert func(t *testing.T) []tls.Certificate
	}{
		{"httptest's own certificate", func(*testing.T) []tls.Certificate { return nil }},
		{"a self-signed certificate", func(t *testing.T) []tls.Certificate { return []tls.Certificate{selfSignedCert(t)} }},
	} {
		t.Run(cert.name, func(t *testing.T) {
			var conns, hits atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
			srv.Config.ErrorLog = discardLog()
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			srv.TLS = &tls.Config{Certificates: cert.cert(t)}
			srv.StartTLS()
			defer srv.Close()

			c, err := argos.NewClient(secretAPIKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRetryPolicy(fastRetries))
			require.NoError(t, err)
			for _, call := range []struct {
				name string
				do   func() error
			}{
				{"GET", func() error { _, err := c.GetSubmission(context.Background(), "s1"); return err }},
				{"POST", func() error {
					_, err := c.LookupAddressCode(context.Background(), &argos.AddressCodeRequest{Address: secretAddress})
					return err
				}},
			} {
				conns.Store(0)
				err := call.do()
				require.Error(t, err, call.name)
				var cve *tls.CertificateVerificationError
				var uae x509.UnknownAuthorityError
				assert.True(t, errors.As(err, &cve) || errors.As(err, &uae), "%s: want an x509 verification error, got %v", call.name, err)
				assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "%s: nothing was sent", call.name)
				assert.NotErrorIs(t, err, context.Canceled, call.name)
				assert.EqualValues(t, 1, conns.Load(), "%s: an untrusted certificate must not be retried", call.name)
			}
			assert.Zero(t, hits.Load(), "no request reached the handler")
		})
	}
}

// TestTLSRequiresTLS12: the SDK's transport offers TLS 1.2 and 1.3 only, so
// a server stuck at TLS 1.1 fails the handshake, once.
func TestTLSRequiresTLS12(t *testing.T) {
	verifyNoLeaks(t)
	var (
		mu       sync.Mutex
		offered  [][]uint16
		conns    atomic.Int32
		handlers atomic.Int32
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handlers.Add(1) }))
	srv.Config.ErrorLog = discardLog()
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.TLS = &tls.Config{
		MinVersion: tls.VersionTLS10,
		MaxVersion: tls.VersionTLS11,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			mu.Lock()
			offered = append(offered, hello.SupportedVersions)
			mu.Unlock()
			return nil, nil
		},
	}
	srv.StartTLS()
	defer srv.Close()

	// Control: the server does speak TLS 1.1 to a client that allows it.
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	if conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{
		RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11,
	}); err == nil {
		assert.Equal(t, uint16(tls.VersionTLS11), conn.ConnectionState().Version)
		_ = conn.Close()
	} else {
		t.Logf("control TLS 1.1 handshake failed (%v); the check below still stands", err)
	}
	mu.Lock()
	offered = nil
	mu.Unlock()
	conns.Store(0)

	c, err := argos.NewClient(secretAPIKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	_, err = c.GetSubmission(context.Background(), "s1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "protocol version", "want a TLS version failure, got %v", err)
	assert.Zero(t, handlers.Load())

	mu.Lock()
	require.NotEmpty(t, offered, "no ClientHello reached the server")
	for _, versions := range offered {
		for _, v := range versions {
			assert.GreaterOrEqual(t, v, uint16(tls.VersionTLS12), "the client offered %s", tls.VersionName(v))
		}
	}
	mu.Unlock()
	assert.EqualValues(t, 1, conns.Load(), "a TLS version mismatch is final and must not be retried")
}
