package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// sdkWebhooks are the SDK's webhook samples.
const sdkWebhooks = "../../testdata/webhooks"

// webhookKey is the key ../../testdata/webhooks/encrypted_rejected.json was
// encrypted with.
const webhookKey = "sk_test_webhook_key_0000"

// received is the fixed clock of the receiver's received_at.
var received = time.Date(2024, 5, 3, 11, 0, 1, 0, time.UTC)

// receiver is a "webhooks listen" running in-process on a free port.
type receiver struct {
	url    string // http://127.0.0.1:PORT
	hc     *http.Client
	cancel context.CancelFunc
	done   chan result
}

// listenSetup is what startListen runs the receiver with.
type listenSetup struct {
	env    map[string]string
	stdout io.Writer // nil: a buffer, returned in the result
	args   []string
}

// startListen starts "webhooks listen --addr 127.0.0.1:0" with s.args and
// waits until it listens. The test's cleanup stops it.
func startListen(t *testing.T, s listenSetup) *receiver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	r := &receiver{cancel: cancel, done: make(chan result, 1)}
	go func() {
		var stdout, stderr bytes.Buffer
		out := s.stdout
		if out == nil {
			out = &stdout
		}
		a := newApp(func(k string) string { return s.env[k] }, strings.NewReader(""), out, &stderr)
		a.now = func() time.Time { return received }
		a.onListen = func(addr string) { addrc <- addr }
		code := a.main(ctx, append([]string{"webhooks", "listen", "--addr", "127.0.0.1:0"}, s.args...))
		r.done <- result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}()
	select {
	case addr := <-addrc:
		r.url = "http://" + addr
	case res := <-r.done:
		cancel()
		t.Fatalf("webhooks listen exited with %d: %s", res.code, res.stderr)
	}
	tr := &http.Transport{}
	r.hc = &http.Client{Transport: tr, Timeout: 20 * time.Second}
	t.Cleanup(func() {
		cancel()
		tr.CloseIdleConnections()
	})
	return r
}

// post sends body to path and returns the status.
func (r *receiver) post(t *testing.T, path string, body []byte) int {
	t.Helper()
	resp, err := r.hc.Post(r.url+path, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// stop cancels the receiver's context, as Ctrl-C does, and returns what it
// did.
func (r *receiver) stop(t *testing.T) result {
	t.Helper()
	r.cancel()
	r.hc.CloseIdleConnections()
	return <-r.done // one that never stops is reported by go test's -timeout
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sdkWebhooks, name))
	require.NoError(t, err)
	return b
}

// validSamples are the SDK's samples that ParseWebhook accepts, in order.
var validSamples = []string{
	"aml.json", "aml_developers.json", "aml_monitor.json", "approved.json", "approved_update_at.json",
	"created.json", "created_imcomplete.json", "created_retry.json", "delete.json", "odd_types.json",
	"rejected.json", "retry.json", "token_expired.json", "unknown_trigger.json", "updated.json",
}

func TestWebhooksListen(t *testing.T) {
	piiEvent, err := os.ReadFile("testdata/webhooks/approved_pii.json")
	require.NoError(t, err)

	t.Run("it prints each event as one masked JSON line and exits 0 on Ctrl-C", func(t *testing.T) {
		r := startListen(t, listenSetup{})
		for _, name := range validSamples {
			assert.Equal(t, http.StatusOK, r.post(t, "/", sample(t, name)), name)
		}
		assert.Equal(t, http.StatusOK, r.post(t, "/", piiEvent))
		res := r.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
		require.Len(t, lines, len(validSamples)+1, "one line per event")
		for _, l := range lines {
			assert.True(t, json.Valid([]byte(l)), "every line is JSON: %s", l)
		}
		golden(t, "webhooks_listen.golden", res.stdout)
		assert.Contains(t, res.stderr, "outcome=delivered", "one log line per request on stderr")
	})
	t.Run("masked lines hold none of the applicant's personal data", func(t *testing.T) {
		r := startListen(t, listenSetup{})
		require.Equal(t, http.StatusOK, r.post(t, "/hook", piiEvent))
		res := r.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		for _, v := range []string{"jane.doe@example.com", "Jane Doe", "1991-07-14", "198.51.100.23", "2019-03-02",
			"2029-03-01", "910714-2345678", "M12345678", "Seoul Branch", "sub_old_03"} {
			assert.NotContains(t, res.stdout, v)
			assert.NotContains(t, res.stderr, v)
		}
		assert.Contains(t, res.stdout, `"email":"j***@example.com"`)
		assert.Contains(t, res.stdout, `"userid":"user-5e21"`, "user IDs are shown, as in the other commands")
	})
	t.Run("--show-pii prints the data and the raw body", func(t *testing.T) {
		r := startListen(t, listenSetup{args: []string{"--show-pii"}})
		require.Equal(t, http.StatusOK, r.post(t, "/", piiEvent))
		require.Equal(t, http.StatusOK, r.post(t, "/", sample(t, "rejected.json")))
		res := r.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		golden(t, "webhooks_listen_pii.golden", res.stdout)
		var l struct{ Raw json.RawMessage }
		require.NoError(t, json.Unmarshal([]byte(strings.SplitN(res.stdout, "\n", 2)[0]), &l))
		assert.JSONEq(t, string(piiEvent), string(l.Raw))
	})
	t.Run("bodies the SDK refuses get 400 and print nothing", func(t *testing.T) {
		r := startListen(t, listenSetup{})
		for _, name := range []string{"not_json.txt", "no_trigger.json", "array.json", "updated_as_published.txt", "encrypted_rejected.json"} {
			assert.Equal(t, http.StatusBadRequest, r.post(t, "/", sample(t, name)), name)
		}
		resp, err := r.hc.Get(r.url + "/")
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
		res := r.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Empty(t, res.stdout)
		assert.Contains(t, res.stderr, "outcome=invalid_body")
	})
}

func TestWebhooksListenDecrypt(t *testing.T) {
	encrypt := func(t *testing.T, key string, plain []byte) []byte {
		t.Helper()
		ct, err := argos.EncryptPayload(key, plain)
		require.NoError(t, err)
		b, err := json.Marshal(map[string]string{"data": ct})
		require.NoError(t, err)
		return b
	}
	plainRun := startListen(t, listenSetup{})
	require.Equal(t, http.StatusOK, plainRun.post(t, "/", sample(t, "rejected.json")))
	require.Equal(t, http.StatusOK, plainRun.post(t, "/", sample(t, "approved.json")))
	plain := plainRun.stop(t)
	require.Equal(t, exitOK, plain.code, plain.stderr)

	keyFile := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(webhookKey+"\n"), 0o600))
	for _, s := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--decrypt decrypts with ARGOS_API_KEY", map[string]string{envAPIKey: webhookKey}, []string{"--decrypt"}},
		{"--key-file decrypts with the file's key", nil, []string{"--key-file", keyFile}},
	} {
		t.Run(s.name+" and prints what the plain bodies print", func(t *testing.T) {
			r := startListen(t, listenSetup{env: s.env, args: s.args})
			assert.Equal(t, http.StatusOK, r.post(t, "/", sample(t, "encrypted_rejected.json")), "encrypted by Node's crypto")
			assert.Equal(t, http.StatusOK, r.post(t, "/", encrypt(t, webhookKey, sample(t, "approved.json"))))
			assert.Equal(t, http.StatusBadRequest, r.post(t, "/", sample(t, "approved.json")), "a plain body is refused")
			assert.Equal(t, http.StatusBadRequest, r.post(t, "/", encrypt(t, "another key", sample(t, "approved.json"))), "another key")
			res := r.stop(t)
			require.Equal(t, exitOK, res.code, res.stderr)
			assert.Equal(t, plain.stdout, res.stdout)
			assert.NotContains(t, res.stderr, webhookKey)
		})
	}
}

func TestWebhooksListenPathSecret(t *testing.T) {
	const secret = "b1946ac92492d2347c6235b4d2611184"
	r := startListen(t, listenSetup{args: []string{"--path-secret", secret}})
	tests := []struct {
		name, path string
		want       int
	}{
		{"the secret path is served", "/" + secret, http.StatusOK},
		{"a query string does not matter", "/" + secret + "?attempt=2", http.StatusOK},
		{"the root is not found", "/", http.StatusNotFound},
		{"a wrong secret of the same length is not found", "/" + strings.Repeat("0", len(secret)), http.StatusNotFound},
		{"a prefix of the secret is not found", "/" + secret[:len(secret)-1], http.StatusNotFound},
		{"the secret with more path is not found", "/" + secret + "/x", http.StatusNotFound},
		{"the secret in upper case is not found", "/" + strings.ToUpper(secret), http.StatusNotFound},
		{"the secret percent-encoded is not found", "/%62" + secret[1:], http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, r.post(t, tt.path, sample(t, "rejected.json")))
		})
	}
	res := r.stop(t)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 2, strings.Count(res.stdout, "\n"), "only the requests to the secret path printed an event")
	assert.Contains(t, res.stderr, "outcome=wrong_path")
	assert.NotContains(t, res.stderr, secret, "the secret is never logged")
}

func TestWebhooksListenErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		want       int
		wantStderr string
	}{
		{"a short path secret is a usage error", nil, []string{"--path-secret", "short"}, exitUsage, "at least 16 characters"},
		{"a path secret with a slash is a usage error", nil, []string{"--path-secret", "0123456789abcdef/x"}, exitUsage, "only A-Z"},
		{"--decrypt without ARGOS_API_KEY is a usage error", nil, []string{"--decrypt"}, exitUsage, "ARGOS_API_KEY is not set"},
		{"an empty key file is a usage error", nil, []string{"--key-file", empty}, exitUsage, "the key file is empty"},
		{"a missing key file is a failure", nil, []string{"--key-file", empty + ".missing"}, exitFailure, "reading the key file"},
		{"an address in use is a failure", nil, []string{"--addr", busy.Addr().String()}, exitFailure, "listening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runEnv(tt.env, append([]string{"webhooks", "listen"}, tt.args...)...)
			assert.Equal(t, tt.want, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.wantStderr)
			assert.Empty(t, r.stdout)
		})
	}
}

// gateWriter blocks each Write until released, telling entered first.
type gateWriter struct {
	entered chan struct{}
	release chan struct{}
	buf     bytes.Buffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.buf.Write(p)
}

func TestWebhooksListenShutdown(t *testing.T) {
	t.Run("Ctrl-C stops accepting, lets the request in flight finish, and leaks nothing", func(t *testing.T) {
		out := &gateWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
		r := startListen(t, listenSetup{stdout: out})
		body := sample(t, "rejected.json")
		status := make(chan int, 1)
		go func() {
			resp, err := r.hc.Post(r.url+"/", "application/json", bytes.NewReader(body))
			if err != nil {
				status <- 0
				return
			}
			_ = resp.Body.Close()
			status <- resp.StatusCode
		}()
		<-out.entered // the handler is printing the event
		r.cancel()
		waitFor(t, "the listener to close", func() bool {
			c, err := net.DialTimeout("tcp", strings.TrimPrefix(r.url, "http://"), time.Second)
			if err == nil {
				_ = c.Close()
			}
			return err != nil
		})
		close(out.release)
		assert.Equal(t, http.StatusOK, <-status, "the request in flight was answered")
		res := r.stop(t)
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, out.buf.String(), `"submission_id":"sub_rejected_01"`)
		goleak.VerifyNone(t)
	})
}

func TestWebhooksListenWithTheFake(t *testing.T) {
	const secret = "a3f1c9e07b5d42e8a6c0"
	key := "sk_test_cli_webhooks_0001"
	tests := []struct {
		name   string
		secure bool
	}{
		{"the fake's webhooks arrive at the secret path and print in order", false},
		{"the fake's encrypted webhooks print the same with --decrypt", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"--path-secret", secret}
			opts := []argostest.ServerOption{argostest.WithAPIKey(key)}
			if tt.secure {
				args = append(args, "--decrypt")
				opts = append(opts, argostest.WithSecureTransmission())
			}
			r := startListen(t, listenSetup{env: map[string]string{envAPIKey: key}, args: args})
			f := setup(t, append(opts, argostest.WithWebhookURL(r.url+"/"+secret, nil))...)
			ids := f.seed(t, people...)
			rv := f.v3().run(t, "review", ids[1], "--reject", "--comment", "document expired", "--admin", argostest.DefaultAdmin)
			require.Equal(t, exitOK, rv.code, rv.stderr)
			d := f.run(t, "delete", ids[3], "--admin", argostest.DefaultAdmin)
			require.Equal(t, exitOK, d.code, d.stderr)
			require.NoError(t, f.srv.FlushWebhooks(context.Background()))

			deliveries := f.srv.Webhooks()
			for _, w := range deliveries {
				assert.Equal(t, http.StatusOK, w.StatusCode, "%s of %s", w.Trigger, w.SubmissionID)
				var body map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(w.Body, &body))
				_, encrypted := body["data"]
				assert.Equal(t, tt.secure, encrypted && len(body) == 1, "the body is encrypted exactly when the project says so")
			}
			res := r.stop(t)
			require.Equal(t, exitOK, res.code, res.stderr)
			require.Equal(t, len(deliveries), strings.Count(res.stdout, "\n"), "one line per webhook")
			golden(t, "webhooks_fake.golden", res.stdout)
		})
	}
}
