package argos

import (
	"context"

	"github.com/kycgo/argos/internal/endpoint"
)

// DownloadAMLReport downloads the AML screening report (a PDF) for one AML hit.
// resourceID comes from the submission's aml data (see
// Submission.AMLResourceIDs); Argos issues them only for "Red Flag" results.
// Close the returned Body.
//
// It calls GET /report/aml?resourceId=….
//
// Argos docs: https://developers.argosidentity.com/api-reference/api-reference-guide/ko/get-aml-report
func (c *Client) DownloadAMLReport(ctx context.Context, resourceID string, opts ...Option) (*Download, error) {
	c, err := c.begin(endpoint.DownloadAMLReport, opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("resource ID", resourceID); err != nil {
		return nil, err
	}
	return c.download(ctx, newCall(endpoint.DownloadAMLReport, query{{"resourceId", resourceID}}))
}
