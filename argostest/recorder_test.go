package argostest_test

import (
	"bytes"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// TestRecorder covers the exchange as a whole: what the caller gets, what the
// fixture keeps, errors, and the fixture files.
func TestRecorder(t *testing.T) {
	personal := `{"submission_id":"s1","email":"ottilie@example.net","data":{"name":"Ottilie V","date_of_birth":"1984-07-23"}}`

	t.Run("the caller gets the real response and the fixture the scrubbed one", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Set-Cookie", "session=abc")
			w.Header().Set("Retry-After", "7")
			_, _ = io.WriteString(w, personal)
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/submission?submission_id=s1&email=ottilie%40example.net", nil)
		req.Header.Set("x-api-key", "sk_live_do_not_record")
		req.Header.Set("Authorization", "Bearer do-not-record")
		req.Header.Set("Cookie", "session=do-not-record")
		req.Header.Set("Accept", "application/json")
		resp, err := rec.Client().Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, personal, string(body))
		require.NoError(t, rec.Err())

		name, fx := onlyFixture(t, dir)
		assert.Equal(t, "001_GET_v2_submission.json", name)
		raw, _ := os.ReadFile(filepath.Join(dir, name))
		for _, secret := range []string{"do_not_record", "do-not-record", "session=", "ottilie", "Ottilie", "1984-07-23"} {
			assert.NotContains(t, string(raw), secret)
		}
		assert.Equal(t, map[string]string{"Accept": "application/json"}, fx.Request.Headers)
		assert.Equal(t, map[string][]string{"submission_id": {"s1"}, "email": {argostest.PseudoEmail("ottilie@example.net")}}, fx.Request.Query)
		assert.Equal(t, map[string]string{"Content-Type": "application/json", "Retry-After": "7"}, fx.Response.Headers)
		assert.JSONEq(t, `{"submission_id":"s1","email":"`+argostest.PseudoEmail("ottilie@example.net")+`","data":{"name":"Test Applicant","date_of_birth":"1990-01-01"}}`, string(fx.Response.Body))
	})
	t.Run("a redirect is recorded with a scrubbed Location and replays", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/v2/image":
				http.Redirect(w, r, "/files/abc.png?X-Amz-Signature=s3cr3t-sig&email=ottilie%40example.net&v=1", http.StatusFound)
			case "/files/abc.png":
				w.Header().Set("Content-Type", "image/png")
				_, _ = w.Write(append([]byte("\x89PNG\r\n\x1a\n"), "REAL"...))
			}
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
		require.NoError(t, err)
		_ = resp.Body.Close()
		files := fixtureFiles(t, dir)
		require.Len(t, files, 2)
		for name, data := range files {
			assert.NotContains(t, string(data), "s3cr3t", name)
			assert.NotContains(t, string(data), "ottilie", name)
		}
		rep, err := argostest.NewReplayer(dir)
		require.NoError(t, err)
		resp, err = rep.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
		_, err = png.Decode(bytes.NewReader(b))
		assert.NoError(t, err)
		assert.Empty(t, rep.Unused())
	})
	t.Run("a response cut short reaches the caller with its error and is recorded as incomplete", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"Items":[{"email":"ottilie@example.net"`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, `{"Items":[{"email":"ottilie@example.net"`, string(body))
		_, fx := onlyFixture(t, dir)
		assert.True(t, fx.Response.Incomplete)
		assert.Equal(t, `{"Items":[{"email":"`+argostest.PseudoEmail("ottilie@example.net")+`"`, fx.Response.BodyText)
	})
	t.Run("a transport error is passed on and not recorded", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, nil)
		require.NoError(t, err)
		_, err = rec.Client().Post("http://"+addr+"/v2/submission/step1", "text/plain", strings.NewReader("x"))
		assert.Error(t, err)
		assert.Empty(t, fixtureFiles(t, dir))
		assert.NoError(t, rec.Err())
	})
	t.Run("fixtures are numbered in order, private, and replace an older recording", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
		})
		dir := filepath.Join(t.TempDir(), "fixtures", "flow")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "007_GET_old.json"), []byte("{}"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("keep me"), 0o600))
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		for _, p := range []string{"/v2/submission", "/v2/submission/applicant", "/v2/image"} {
			resp, err := rec.Client().Get(srv.URL + p)
			require.NoError(t, err)
			_ = resp.Body.Close()
		}
		assert.Equal(t, []string{"001_GET_v2_submission.json", "002_GET_v2_submission_applicant.json", "003_GET_v2_image.json"}, sortedKeys(fixtureFiles(t, dir)))
		_, err = os.Stat(filepath.Join(dir, "README.md"))
		assert.NoError(t, err, "only fixture files are removed")
		info, err := os.Stat(filepath.Join(dir, "001_GET_v2_submission.json"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

		newDir := filepath.Join(t.TempDir(), "new")
		_, err = argostest.NewRecorder(newDir, nil)
		require.NoError(t, err)
		info, err = os.Stat(newDir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())

		rec, err = argostest.NewRecorder(dir, srv.Client().Transport, argostest.WithKeepFixtures())
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Contains(t, fixtureFiles(t, dir), "004_GET_v2_submission.json")
	})
	t.Run("a fixture that cannot be written is reported by Err, not by the request", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		require.NoError(t, os.RemoveAll(dir))
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, "ok", string(b))
		assert.Error(t, rec.Err())
	})
	t.Run("an empty directory name is refused", func(t *testing.T) {
		_, err := argostest.NewRecorder("", nil)
		assert.Error(t, err)
	})
}
