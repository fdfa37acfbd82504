package argos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// v3Call is one v3-only method with valid input.
type v3Call struct {
	name string
	run  func(ctx context.Context, c *argos.Client) error
}

func v3Calls(t *testing.T) []v3Call {
	jpeg := readImage(t, "selfie.jpg")
	return []v3Call{
		{"UpdateSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: "s1", Admin: "a@example.com",
				Data: argos.SubmissionUpdate{FullName: "X"}})
			return err
		}},
		{"UpdateImages", func(ctx context.Context, c *argos.Client) error {
			_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com",
				SelfieImage: &argos.File{Body: bytes.NewReader(jpeg)}})
			return err
		}},
		{"DeleteSubmissionFields", func(ctx context.Context, c *argos.Client) error {
			_, err := c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialEmail}})
			return err
		}},
		{"MigrateSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.MigrateSubmission(ctx, fullMigration())
			return err
		}},
		{"ReviewSubmission", func(ctx context.Context, c *argos.Client) error {
			_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCApproved})
			return err
		}},
		{"AddTokens", func(ctx context.Context, c *argos.Client) error {
			_, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"token-0001"}})
			return err
		}},
		{"DeleteTokens", func(ctx context.Context, c *argos.Client) error {
			_, err := c.DeleteTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"token-0001"}})
			return err
		}},
		{"MonitorAML", func(ctx context.Context, c *argos.Client) error {
			_, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "w", SubmissionIDs: []string{"s1"}, Admin: "a@example.com"})
			return err
		}},
		{"GetAMLMonitorRecord", func(ctx context.Context, c *argos.Client) error {
			_, err := c.GetAMLMonitorRecord(ctx, "w", "r")
			return err
		}},
		{"FaceAuth", func(ctx context.Context, c *argos.Client) error {
			_, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: &argos.File{Body: bytes.NewReader(jpeg)}})
			return err
		}},
		{"DownloadFaceAuthImage", func(ctx context.Context, c *argos.Client) error {
			d, err := c.DownloadFaceAuthImage(ctx, "a1")
			if d != nil {
				_ = d.Body.Close()
			}
			return err
		}},
	}
}

func TestV3CallsRefuseAV2BaseURLBeforeSending(t *testing.T) {
	for _, call := range v3Calls(t) {
		t.Run(call.name+" names WithBaseURL(BaseURLV3) and sends nothing", func(t *testing.T) {
			n := 0
			c := newTLSClient(t, "/v2", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { n++ }),
				argos.WithAddOnKey(testAddOnKey))
			err := call.run(context.Background(), c)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "base URL", ve.Field)
			assert.Contains(t, err.Error(), "WithBaseURL(BaseURLV3)")
			assert.Zero(t, n)
		})
	}
}

func TestTheFakeAnswersV3OnlyRoutesUnderV2LikeTheGateway(t *testing.T) {
	_, srv := fakeV3(t)
	// The client refuses before sending; a hand-made request shows what a
	// client that did send would get.
	for _, rt := range []struct{ method, path string }{
		{http.MethodPatch, "/submission"}, {http.MethodPut, "/submission/image"}, {http.MethodDelete, "/submission/partial"},
		{http.MethodPost, "/submission/migration"}, {http.MethodPost, "/submission/review"}, {http.MethodPost, "/submission/tokens"},
		{http.MethodPost, "/submission/aml/monitor/w1"}, {http.MethodGet, "/submission/aml/monitor/w1/r1"},
	} {
		t.Run(rt.method+" "+rt.path+" is 403 Missing Authentication Token", func(t *testing.T) {
			req, err := http.NewRequest(rt.method, srv.URL("v2")+rt.path, strings.NewReader("{}"))
			require.NoError(t, err)
			req.Header.Set("x-api-key", srv.APIKey)
			resp, err := srv.HTTPClient().Do(req)
			require.NoError(t, err)
			var body struct{ Message string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "Missing Authentication Token", body.Message)
		})
	}
}

// TestV3TypesPrintNoPersonalData prints every new request and answer type
// holding applicant data under every verb and through slog.
func TestV3TypesPrintNoPersonalData(t *testing.T) {
	const (
		name, dob, email, idNum, comment = "Hong Kil Dong", "1999-11-30", "migrated@example.com", "991130-1111111", "face of Hong"
	)
	secrets := []string{name, dob, email, idNum, comment, "yourAdmin@sample.com", "legacy-user-9", "Kil Dong", "dpo@example.com", "secret-pooled-token-1"}
	values := map[string]any{
		"UpdateSubmissionRequest": argos.UpdateSubmissionRequest{SubmissionID: "s1", Admin: "yourAdmin@sample.com",
			Data: argos.SubmissionUpdate{FullName: name, DateOfBirth: dob, IdentityNumber: idNum}},
		"SubmissionUpdate":        argos.SubmissionUpdate{FullName: name, DateOfBirth: dob, IdentityNumber: idNum},
		"UpdateImagesRequest":     &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "yourAdmin@sample.com", IDImage: &argos.File{Name: name + ".png"}},
		"DeleteFieldsRequest":     argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialData}, Admin: "dpo@example.com"},
		"DeleteSubmissionRequest": argos.DeleteSubmissionRequest{SubmissionID: "s1", Admin: "dpo@example.com"},
		"AMLMonitorRequest":       argos.AMLMonitorRequest{WorklistID: "w1", SubmissionIDs: []string{"s1"}, Admin: "dpo@example.com"},
		"TokensRequest":           argos.TokensRequest{TokenIDs: []string{"secret-pooled-token-1"}},
		"MigrationRequest":        fullMigration(),
		"ReviewRequest": argos.ReviewRequest{SubmissionID: "s1", Admin: "yourAdmin@sample.com", Status: argos.KYCRejected,
			RejectComment: comment, UpdateFields: &argos.ReviewFields{FullName: name, DateOfBirth: dob}},
		"ReviewFields":     argos.ReviewFields{FullName: name, DateOfBirth: dob},
		"AMLMonitorRecord": argos.AMLMonitorRecord{ID: "r1", Name: name, DateOfBirth: dob, Email: email, Admin: "yourAdmin@sample.com"},
		"FaceAuthRequest":  argos.FaceAuthRequest{SubmissionID: "s1", UserID: "legacy-user-9", CF1: name},
	}
	for typ, v := range values {
		t.Run(typ+" is redacted", func(t *testing.T) {
			var out []string
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				out = append(out, fmt.Sprintf(verb, v))
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
			out = append(out, buf.String())
			for _, o := range out {
				for _, s := range secrets {
					assert.NotContains(t, o, s)
				}
			}
		})
	}
}

// TestV3SamplesAreInTestdata keeps the samples the tests read in one place.
func TestV3SamplesAreInTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "v3", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.True(t, json.Valid(b), "%s is valid JSON", f)
	}
}

// TestV3CallsTravelEncryptedWithSecureTransmission runs the calls the docs
// say Secure Data Transmission covers (PATCH, migration, tokens, the AML
// monitor GET) against a fake project with the option on.
func TestV3CallsTravelEncryptedWithSecureTransmission(t *testing.T) {
	srv := argostest.NewServer(argostest.WithSecureTransmission())
	t.Cleanup(srv.Close)
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()),
		argos.WithSecureTransmission())
	require.NoError(t, err)
	ctx := context.Background()
	mig, err := c.MigrateSubmission(ctx, &argos.MigrationRequest{Admin: argostest.DefaultAdmin, Email: "sealed@example.com",
		FullName: "Sealed Applicant", DateOfBirth: "1990-01-02", Status: argos.KYCApproved})
	require.NoError(t, err)
	_, err = c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: mig.SubmissionID, Admin: argostest.DefaultAdmin,
		Data: argos.SubmissionUpdate{FullName: "Sealed Applicant-Two"}})
	require.NoError(t, err)
	res, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"sealed-token-1"}})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Processed)
	del, err := c.DeleteTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"sealed-token-1"}})
	require.NoError(t, err)
	assert.Equal(t, 1, del.Deleted)
	mon, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "wl", SubmissionIDs: []string{mig.SubmissionID}, Admin: argostest.DefaultAdmin})
	require.NoError(t, err)
	rec, err := c.GetAMLMonitorRecord(ctx, "wl", mon.Succeeded[0].RecordIDs[0])
	require.NoError(t, err)
	assert.Equal(t, "Sealed Applicant-Two", rec.Name)
	for _, r := range srv.Requests() {
		assert.NotContains(t, string(r.Body), "Sealed", "%s %s travelled in clear", r.Method, r.Path)
		assert.NotContains(t, string(r.Body), "sealed-token-1", "%s %s travelled in clear", r.Method, r.Path)
	}
}
