package argostest_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// TestCapture covers how request bodies are recorded while they stream.
func TestCapture(t *testing.T) {
	t.Run("a multipart upload is parsed as it streams, files counted and never kept", func(t *testing.T) {
		const fileSize = 24 << 20 // three times the buffer bound
		var received int64
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			received, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"submissionId":"s1","kycStatus":"incomplete"}`)
		})
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			_ = mw.WriteField("email", "ottilie@example.net")
			_ = mw.WriteField("idType", "passport")
			_ = mw.WriteField("name", "Ottilie Vandersloot")
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="idImage"; filename="C:\Users\ottilie\passport scan.png"`}
			h["Content-Type"] = []string{"image/png"}
			part, _ := mw.CreatePart(h)
			chunk := bytes.Repeat([]byte{0xAB}, 1<<20)
			for range fileSize / len(chunk) {
				_, _ = part.Write(chunk)
			}
			_ = mw.Close()
			_ = pw.Close()
		}()
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Post(srv.URL+"/v2/submission/step1", mw.FormDataContentType(), pr)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		assert.Greater(t, received, int64(fileSize))

		name, fx := onlyFixture(t, dir)
		assert.Equal(t, "001_POST_v2_submission_step1.json", name)
		assert.False(t, fx.Request.Truncated)
		assert.Equal(t, map[string][]string{
			"email": {argostest.PseudoEmail("ottilie@example.net")}, "idType": {"passport"}, "name": {"Test Applicant"},
		}, fx.Request.Form)
		assert.Equal(t, map[string]argostest.FixtureFile{"idImage": {Filename: "idImage.png", ContentType: "image/png", Size: fileSize}}, fx.Request.Files)
		assert.Equal(t, "multipart/form-data; boundary=BOUNDARY", fx.Request.Headers["Content-Type"])
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Less(t, info.Size(), int64(4096))
	})
	t.Run("a form-urlencoded body is recorded scrubbed", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"formatted_address":%q,"compound_code":"QJ2R+8G Lyon, France","global_code":"8FQ6QJ2R+8G"}`, r.PostForm.Get("address"))
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().PostForm(srv.URL+"/v2/address_code", url.Values{"address": {"17 Rue des Lilas, Lyon"}, "language": {"en"}})
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Contains(t, string(body), "17 Rue des Lilas")
		_, fx := onlyFixture(t, dir)
		assert.Equal(t, map[string][]string{"address": {"1 Test Street, Testville, Testland"}, "language": {"en"}}, fx.Request.Form)
		assert.JSONEq(t, `{"formatted_address":"1 Test Street, Testville, Testland","compound_code":"XX0X+0X Testville, Testland","global_code":"0XX0XX0X+0X"}`, string(fx.Response.Body))
	})
	t.Run("a JSON request body and a text response are scrubbed", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "ottilie@example.net had submitted another KYC")
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v3/submission", strings.NewReader(`{"submission_id":"s1","data":{"name":"Ottilie"}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := rec.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		_, fx := onlyFixture(t, dir)
		assert.JSONEq(t, `{"submission_id":"s1","data":{"name":"Test Applicant"}}`, string(fx.Request.Body))
		assert.Equal(t, 400, fx.Response.Status)
		assert.Equal(t, argostest.PseudoEmail("ottilie@example.net")+" had submitted another KYC", fx.Response.BodyText)
	})
	t.Run("concurrent exchanges each get their own file", func(t *testing.T) {
		srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"n":%q}`, r.URL.Query().Get("n"))
		})
		dir := t.TempDir()
		rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				_ = mw.WriteField("name", "Person "+strconv.Itoa(i))
				_ = mw.Close()
				resp, err := rec.Client().Post(srv.URL+"/v2/submission/step2?n="+strconv.Itoa(i), mw.FormDataContentType(), &body)
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		require.NoError(t, rec.Err())
		files := fixtureFiles(t, dir)
		assert.Len(t, files, 20)
		seen := map[string]bool{}
		for name := range files {
			fx, err := readFixture(filepath.Join(dir, name))
			require.NoError(t, err)
			seen[fx.Request.Query["n"][0]] = true
			assert.Equal(t, []string{"Test Applicant"}, fx.Request.Form["name"])
		}
		assert.Len(t, seen, 20)
	})
}
