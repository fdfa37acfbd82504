package argos_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// TestInvalidUTF8IsRefusedBeforeSending checks that every string input the
// SDK validates refuses bytes that are not UTF-8: encoded as JSON they would
// arrive as U+FFFD, so two different values would become the same one.
func TestInvalidUTF8IsRefusedBeforeSending(t *testing.T) {
	jpeg := readImage(t, "selfie.jpg")
	for _, tc := range []struct {
		name, field string
		run         func(ctx context.Context, c *argos.Client) error
	}{
		{"a submission ID to read", "submission ID", func(ctx context.Context, c *argos.Client) error {
			_, err := c.GetSubmission(ctx, "sub-\xff1")
			return err
		}},
		{"a user ID to list by", "userid", func(ctx context.Context, c *argos.Client) error {
			_, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "user-\xfe1"})
			return err
		}},
		{"a Step 2 submission ID", "SubmissionID", func(ctx context.Context, c *argos.Client) error {
			_, err := c.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: "s\xff", FaceImage: &argos.File{Body: bytes.NewReader(jpeg)},
				Name: "Jane Doe", DateOfBirth: "1990-01-01"})
			return err
		}},
		{"a migrated full name", "FullName", func(ctx context.Context, c *argos.Client) error {
			r := fullMigration()
			r.FullName = "Hong \xc3"
			_, err := c.MigrateSubmission(ctx, r)
			return err
		}},
		{"a reviewer's reject comment", "RejectComment", func(ctx context.Context, c *argos.Client) error {
			_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com",
				Status: argos.KYCRejected, RejectComment: "blurry \xe9"})
			return err
		}},
		{"a FaceAuth custom field", "CF1", func(ctx context.Context, c *argos.Client) error {
			_, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "s1", CF1: "x\xff",
				FaceImage: &argos.File{Body: bytes.NewReader(jpeg)}})
			return err
		}},
		{"an address code language", "Language", func(ctx context.Context, c *argos.Client) error {
			_, err := c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Main St", Language: "e\xffn"})
			return err
		}},
	} {
		t.Run("invalid UTF-8 in "+tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3Server(t, http.StatusOK, "application/json", []byte(`{}`), argos.WithAddOnKey(testAddOnKey))

			err := tc.run(context.Background(), c)

			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, "is not valid UTF-8", ve.Reason)
			assert.Empty(t, got(), "nothing was sent")
		})
	}
}
