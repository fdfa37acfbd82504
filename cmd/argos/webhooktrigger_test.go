package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// appReceiver is the operator's application under test: it records each
// body it gets and answers status.
type appReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	types  []string
}

func newAppReceiver(t *testing.T, status int) *appReceiver {
	t.Helper()
	r := &appReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.types = append(r.types, req.Header.Get("Content-Type"))
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *appReceiver) received() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

func TestWebhookSamples(t *testing.T) {
	for _, trigger := range sampleTriggers {
		t.Run("the "+trigger+" sample is the SDK's, and ParseWebhook reads its trigger", func(t *testing.T) {
			b, err := webhookSamples.ReadFile("webhooksamples/" + trigger + ".json")
			require.NoError(t, err)
			assert.Equal(t, string(sample(t, trigger+".json")), string(b), "a copy of testdata/webhooks/%s.json", trigger)
			e, err := argos.ParseWebhook(b)
			require.NoError(t, err)
			assert.Equal(t, argos.WebhookTrigger(trigger), e.Trigger)
		})
	}
}

func TestWebhooksTrigger(t *testing.T) {
	t.Run("it sends the trigger's sample and prints the receiver's status", func(t *testing.T) {
		app := newAppReceiver(t, http.StatusOK)
		r := runEnv(nil, "webhooks", "trigger", "approved", "--to", app.srv.URL+"/hooks")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "sent approved to "+app.srv.URL+"/hooks: 200 OK\n", r.stdout)
		require.Len(t, app.received(), 1)
		assert.Equal(t, string(sample(t, "approved.json")), string(app.received()[0]))
		assert.Equal(t, "application/json", app.types[0])
	})
	t.Run("--encrypt sends it as a project with Secure Data Transmission does", func(t *testing.T) {
		app := newAppReceiver(t, http.StatusOK)
		r := runEnv(map[string]string{envAPIKey: webhookKey}, "webhooks", "trigger", "rejected", "--to", app.srv.URL, "--encrypt", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"trigger":"rejected","url":"`+app.srv.URL+`","status":200}`, r.stdout)
		e, err := argos.ParseWebhook(app.received()[0], argos.WithWebhookKey(webhookKey))
		require.NoError(t, err)
		assert.Equal(t, argos.WebhookRejected, e.Trigger)
	})
	t.Run("a receiver that fails exits 1 with its status", func(t *testing.T) {
		app := newAppReceiver(t, http.StatusInternalServerError)
		r := runEnv(nil, "webhooks", "trigger", "created", "--to", app.srv.URL)
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stdout, ": 500 Internal Server Error")
		assert.Contains(t, r.stderr, "the receiver answered 500")
	})
	usage := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"an unknown trigger", []string{"kyb_done", "--to", "http://127.0.0.1:1"}, "TRIGGER must be one of aml, aml_monitor, approved"},
		{"a missing --to", []string{"approved"}, "--to URL is required"},
		{"a --to that is not http", []string{"approved", "--to", "ftp://x"}, "--to must be an http:// or https:// URL"},
		{"--encrypt without a key", []string{"approved", "--to", "http://127.0.0.1:1", "--encrypt"}, "ARGOS_API_KEY is not set"},
	}
	for _, tt := range usage {
		t.Run(tt.name+" is a usage error", func(t *testing.T) {
			r := runEnv(nil, append([]string{"webhooks", "trigger"}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.wantStderr)
		})
	}
}

func TestWebhooksListenForward(t *testing.T) {
	t.Run("each accepted event goes to --forward-to as received, with the status in its line", func(t *testing.T) {
		app := newAppReceiver(t, http.StatusAccepted)
		rv := startListen(t, listenSetup{args: []string{"--forward-to", app.srv.URL + "/webhooks"}})
		for _, trigger := range []string{"created", "rejected"} {
			r := runEnv(nil, "webhooks", "trigger", trigger, "--to", rv.url)
			require.Equal(t, exitOK, r.code, r.stderr)
		}
		assert.Equal(t, http.StatusBadRequest, rv.post(t, "/", []byte("not json")), "a refused body")
		res := rv.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		got := app.received()
		require.Len(t, got, 2, "only the accepted events are forwarded")
		assert.Equal(t, string(sample(t, "created.json")), string(got[0]))
		assert.Equal(t, string(sample(t, "rejected.json")), string(got[1]))
		lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
		require.Len(t, lines, 2)
		for _, l := range lines {
			assert.Contains(t, l, `"forward_status":202`)
		}
		assert.Contains(t, res.stderr, "forwarding each accepted event to "+app.srv.URL+"/webhooks")
		assert.Contains(t, res.stderr, "argos webhook forwarded")
	})
	t.Run("an encrypted event is forwarded encrypted, as received", func(t *testing.T) {
		app := newAppReceiver(t, http.StatusOK)
		keyFile := filepath.Join(t.TempDir(), "key")
		require.NoError(t, os.WriteFile(keyFile, []byte(webhookKey), 0o600))
		rv := startListen(t, listenSetup{args: []string{"--key-file", keyFile, "--forward-to", app.srv.URL}})
		require.Equal(t, http.StatusOK, rv.post(t, "/", sample(t, "encrypted_rejected.json")))
		res := rv.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		require.Len(t, app.received(), 1)
		assert.Equal(t, string(sample(t, "encrypted_rejected.json")), string(app.received()[0]))
	})
	t.Run("a receiver that is down is reported in the line, and the sender still gets 200", func(t *testing.T) {
		down := httptest.NewServer(http.NotFoundHandler())
		url := down.URL
		down.Close()
		rv := startListen(t, listenSetup{args: []string{"--forward-to", url}})
		assert.Equal(t, http.StatusOK, rv.post(t, "/", sample(t, "approved.json")))
		res := rv.stop(t)
		require.Equal(t, exitOK, res.code, res.stderr)
		var l struct {
			Status int    `json:"forward_status"`
			Error  string `json:"forward_error"`
		}
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &l))
		assert.Zero(t, l.Status)
		assert.Contains(t, l.Error, "connection refused")
	})
	t.Run("a --forward-to that is not http is a usage error", func(t *testing.T) {
		r := runEnv(nil, "webhooks", "listen", "--forward-to", "localhost:3000")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--forward-to must be an http:// or https:// URL")
	})
}
