package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{
		name: "review", args: "ID", summary: "approve or reject a pending submission as a client reviewer (v3 API)", run: runReview,
	})
}

// reviewOpts are review's own flags.
type reviewOpts struct {
	approve, reject bool
	comment, admin  string
	fields          argos.ReviewFields
}

// runReview approves or rejects one pending submission with
// argos.Client.ReviewSubmission (POST /submission/review, v3 only), naming
// --admin as the reviewer, optionally correcting the applicant's data with
// the decision. Bad input, and a base URL that is not v3 (the SDK refuses
// the call), exit 2 before anything is sent.
func runReview(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
	var o reviewOpts
	fs.BoolVar(&o.approve, "approve", false, "approve the submission")
	fs.BoolVar(&o.reject, "reject", false, "reject the submission (needs --comment)")
	fs.StringVar(&o.comment, "comment", "", "why it is rejected, shown in the dashboard (`TEXT`; only with --reject)")
	fs.StringVar(&o.admin, "admin", "", "the dashboard admin `NAME` deciding (required; must be registered in the project)")
	fs.StringVar(&o.fields.FullName, "full-name", "", "correct the applicant's full `name` with the decision")
	fs.StringVar(&o.fields.DateOfBirth, "birth-date", "", "correct the birth `date` (YYYY-MM-DD)")
	fs.StringVar(&o.fields.DateOfIssue, "issue-date", "", "correct the ID's issue `date` (YYYY-MM-DD)")
	fs.StringVar(&o.fields.DateOfExpiry, "expire-date", "", "correct the ID's expiry `date` (YYYY-MM-DD)")
	gender := fs.String("gender", "", "correct the `gender` (male or female)")
	idType := fs.String("id-type", "", "correct the ID `type` (passport, government_id, drivers_license, …)")
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	setString(&o.fields.Gender, *gender)
	setString(&o.fields.IDType, *idType)
	req, err := o.request(pos[0])
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	res, err := c.ReviewSubmission(ctx, req)
	if v3Refused(err) {
		return a.needsV3("review")
	}
	if ve := (*argos.ValidationError)(nil); errors.As(err, &ve) {
		return flagUsage(reviewFlags, ve)
	}
	switch {
	case errors.Is(err, argos.ErrNotPending):
		return fmt.Errorf("reviewing the submission: it is not pending (decided already, or not yet submitted): %w", err)
	case errors.Is(err, argos.ErrInvalidAdmin):
		return fmt.Errorf("reviewing the submission: --admin must be an admin registered in the project: %w", err)
	case err != nil:
		return fmt.Errorf("reviewing the submission: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]string{"submission_id": res.SubmissionID, "final_status": string(res.Status), "message": res.Message})
	}
	_, err = fmt.Fprintf(a.stdout, "%s %s\n", visible(string(res.Status)), visible(res.SubmissionID))
	return err
}

// request checks the flags and returns the request.
func (o *reviewOpts) request(id string) (*argos.ReviewRequest, error) {
	if o.approve == o.reject {
		return nil, usagef("give one of --approve and --reject")
	}
	if strings.TrimSpace(o.admin) == "" {
		return nil, usagef("--admin NAME is required")
	}
	if o.reject && strings.TrimSpace(o.comment) == "" {
		return nil, usagef("--reject needs --comment TEXT")
	}
	if o.approve && o.comment != "" {
		return nil, usagef("--comment is only for --reject")
	}
	r := &argos.ReviewRequest{SubmissionID: id, Admin: o.admin, Status: argos.KYCApproved, RejectComment: o.comment}
	if o.reject {
		r.Status = argos.KYCRejected
	}
	if o.fields != (argos.ReviewFields{}) {
		f := o.fields
		r.UpdateFields = &f
	}
	return r, nil
}

// reviewFlags maps ReviewRequest's field names to review's flags.
var reviewFlags = strings.NewReplacer(
	"UpdateFields.FullName", "--full-name", "UpdateFields.DateOfBirth", "--birth-date", "UpdateFields.DateOfIssue", "--issue-date",
	"UpdateFields.DateOfExpiry", "--expire-date", "UpdateFields.Gender", "--gender", "UpdateFields.IDType", "--id-type",
	"SubmissionID", "ID", "Admin", "--admin", "RejectComment", "--comment",
)
