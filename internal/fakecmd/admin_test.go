package fakecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// curlLine matches the printed curl command.
var curlLine = regexp.MustCompile(`^curl --cacert '([^']+)' -H 'x-api-key: ([^']+)' '([^']+)'$`)

func TestRunPrintsCurlCommands(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-key", "local-key")

	t.Run("the try line names the certificate, the key and the API", func(t *testing.T) {
		m := curlLine.FindStringSubmatch(s.try)
		require.NotNil(t, m, "try line: %s", s.try)
		assert.Equal(t, s.certFile, m[1])
		assert.Equal(t, "local-key", m[2])
		assert.Equal(t, s.baseURL+"/submission?count=1", m[3])
	})
	t.Run("the admin line lists the webhooks", func(t *testing.T) {
		m := curlLine.FindStringSubmatch(s.admin)
		require.NotNil(t, m, "admin line: %s", s.admin)
		assert.Equal(t, strings.TrimSuffix(s.baseURL, "/v3")+"/_admin/webhooks", m[3])
	})
	t.Run("curl runs the printed lines successfully", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("curl is not installed")
		}
		for _, line := range []string{s.try, s.admin} {
			out, err := exec.Command("sh", "-c", line+" --silent --show-error --fail").CombinedOutput()
			require.NoError(t, err, "%s: %s", line, out)
			assert.True(t, json.Valid(out), "%s answered JSON: %s", line, out)
		}
	})
}

func TestRunWritesTheCertificateToANewTempDir(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0")
	dir := filepath.Dir(s.certFile)
	assert.Equal(t, filepath.Clean(os.TempDir()), filepath.Dir(dir), "the directory is in the temp dir")
	assert.True(t, strings.HasPrefix(filepath.Base(dir), "argos-fake-"), dir)
	_, err := os.Stat(s.certFile)
	require.NoError(t, err, "the certificate is there while the fake runs")

	other := start(t, "-addr", "127.0.0.1:0")
	assert.NotEqual(t, s.certFile, other.certFile, "two fakes do not share a path")

	s.stop()
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "the directory is removed on exit")
}

func TestRunDeliversWebhooksAndServesTheAdmin(t *testing.T) {
	var received atomic.Int32
	rcv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
	}))
	defer rcv.Close()
	caFile := filepath.Join(t.TempDir(), "receiver.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rcv.Certificate().Raw}), 0o600))

	s := start(t, "-addr", "127.0.0.1:0", "-webhook-url", rcv.URL+"/hook", "-webhook-ca", caFile)
	hc := trusting(t, s.certFile)
	adminURL := strings.TrimSuffix(s.baseURL, "/v3") + argostest.ControlPrefix
	admin := func(method, name, body string) (int, []byte) {
		req, err := http.NewRequest(method, adminURL+name, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("x-api-key", s.key)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, b
	}

	code, body := admin(http.MethodPost, "step2-script", `{"outcomes":["reject"]}`)
	require.Equal(t, http.StatusNoContent, code, "%s", body)
	client, err := argos.NewClient(s.key, argos.WithBaseURL(s.baseURL), argos.WithHTTPClient(hc))
	require.NoError(t, err)
	ctx := context.Background()
	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "a@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	s2, err := client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: "John Smith", DateOfBirth: "1975-08-25",
		FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	require.NoError(t, err)
	assert.Equal(t, argos.KYCRejected, s2.Status, "the scripted outcome decided")

	code, body = admin(http.MethodGet, "webhooks", "")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var list []struct {
		Trigger      string `json:"trigger"`
		SubmissionID string `json:"submission_id"`
		StatusCode   int    `json:"status_code"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list, 2)
	for i, want := range []string{"created", "rejected"} {
		assert.Equal(t, want, list[i].Trigger)
		assert.Equal(t, s1.SubmissionID, list[i].SubmissionID)
		assert.Equal(t, http.StatusOK, list[i].StatusCode)
	}
	assert.Equal(t, int32(2), received.Load())
}

func TestRunWebhookFlagErrors(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("nope"), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a CA without a URL is a usage error", []string{"-webhook-ca", notPEM}, "-webhook-ca needs -webhook-url"},
		{"a CA file without a certificate is refused", []string{"-webhook-url", "https://127.0.0.1:1", "-webhook-ca", notPEM}, "holds no PEM certificate"},
		{"a missing CA file is refused", []string{"-webhook-url", "https://127.0.0.1:1", "-webhook-ca", notPEM + ".missing"}, "reading the webhook CA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), "argos-fake", append([]string{"-addr", "127.0.0.1:0"}, tt.args...), io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
