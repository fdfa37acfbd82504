package argos_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/internal/endpoint"
)

// v3Endpoints are the v3 management calls with their documented sample
// answers, for the fault matrix: a case per row of the table.
func v3Endpoints(t testing.TB) []endpointCase {
	selfie := fixture(t, "images/selfie.jpg")
	b64 := []byte(base64.StdEncoding.EncodeToString(selfie))
	msg := func(s string, err error) (string, *argos.Download, error) { return s, nil, err }
	return []endpointCase{
		{
			row:    endpoint.UpdateSubmission,
			okBody: fixture(t, "v3/update_success.json"), okType: "application/json", okSummary: "Data Processing Success.",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde", Admin: faultEmail,
					Data: argos.SubmissionUpdate{FullName: "Alice Fault", DateOfBirth: "1990-01-02"}})
				if err != nil {
					return msg("", err)
				}
				return msg(r.Message, nil)
			},
		},
		{
			row:    endpoint.UpdateImages,
			okBody: fixture(t, "v3/images_success.json"), okType: "application/json", okSummary: "complete to update image.",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: "gt7rcxx9l1oabcde", Admin: faultEmail,
					SelfieImage: &argos.File{Body: bytes.NewReader(selfie)}})
				if err != nil {
					return msg("", err)
				}
				return msg(r.Message, nil)
			},
		},
		{
			row: endpoint.DeleteSubmissionFields, anyObject: true,
			okBody: fixture(t, "delete_plain.json"), okType: "application/json", okSummary: "success",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: "gt7rcxx9l1oabcde",
					Fields: []argos.PartialField{argos.PartialData}, DataFields: []argos.DataField{argos.DataFieldName}, Admin: faultUserID})
				if err != nil {
					return msg("", err)
				}
				return msg(r.Message, nil)
			},
		},
		{
			row:    endpoint.MigrateSubmission,
			okBody: fixture(t, "v3/migration_success.json"), okType: "application/json", okSummary: "submissionId123",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.MigrateSubmission(ctx, &argos.MigrationRequest{Admin: faultEmail, Email: faultEmail, FullName: "Alice Fault",
					DateOfBirth: "1990-01-02", Status: argos.KYCApproved, UserID: faultUserID})
				if err != nil {
					return msg("", err)
				}
				return msg(r.SubmissionID, nil)
			},
		},
		{
			row:    endpoint.ReviewSubmission,
			okBody: fixture(t, "v3/review_success.json"), okType: "application/json", okSummary: "approved",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "rv7pending0001", Admin: faultEmail, Status: argos.KYCApproved})
				if err != nil {
					return msg("", err)
				}
				return msg(string(r.Status), nil)
			},
		},
		{
			row:    endpoint.AddTokens,
			okBody: fixture(t, "v3/tokens_post.json"), okType: "application/json", okSummary: "4 processed, 3504 in the pool",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"flt-token-0001", "flt-token-0002", "flt-token-0003", "flt-token-0004"}})
				if err != nil {
					return msg("", err)
				}
				return msg(fmt.Sprintf("%d processed, %d in the pool", r.Processed, r.CurrentCount), nil)
			},
		},
		{
			row:    endpoint.DeleteTokens,
			okBody: fixture(t, "v3/tokens_delete.json"), okType: "application/json", okSummary: "3 deleted",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.DeleteTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"flt-token-0001", "flt-token-0002", "flt-token-0003"}})
				if err != nil {
					return msg("", err)
				}
				return msg(fmt.Sprintf("%d deleted", r.Deleted), nil)
			},
		},
		{
			row: endpoint.MonitorAML, ids: []string{"wl-fault"},
			okBody: fixture(t, "v3/aml_monitor.json"), okType: "application/json", okSummary: "2 registered, 1 failed",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "wl-fault", SubmissionIDs: []string{"SUBMISSION_ID_00A", "SUBMISSION_ID_01B", "SUBMISSION_ID_02C"}, Admin: faultEmail})
				if err != nil {
					return msg("", err)
				}
				return msg(fmt.Sprintf("%d registered, %d failed", len(r.Succeeded), len(r.Failed)), nil)
			},
		},
		{
			row: endpoint.GetAMLMonitorRecord, ids: []string{"wl-fault", "RECORD_ID_00A"},
			okBody: fixture(t, "v3/aml_record.json"), okType: "application/json", okSummary: "SUBMISSION_ID_00A screenedNoMatches",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.GetAMLMonitorRecord(ctx, "wl-fault", "RECORD_ID_00A")
				if err != nil {
					return msg("", err)
				}
				return msg(r.SubmissionID+" "+r.Status, nil)
			},
		},
		{
			row:    endpoint.FaceAuth,
			okBody: fixture(t, "v3/faceauth.json"), okType: "application/json", okSummary: "rejected",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "gt7rcxx9l1oabcde", UserID: faultUserID,
					FaceImage: &argos.File{Body: bytes.NewReader(selfie)}})
				if err != nil {
					return msg("", err)
				}
				return msg(string(r.Status), nil)
			},
		},
		{
			row: endpoint.DownloadFaceAuthImage, base64: true,
			okBody: b64, okType: "text/plain", okSummary: digest(selfie),
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				d, err := c.DownloadFaceAuthImage(ctx, "fa0199cb937c1e7a")
				return "", d, err
			},
		},
	}
}
