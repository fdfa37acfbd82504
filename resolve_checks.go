package argos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// check reads the API once for ResolveOutcome: a Resolution when it can
// tell, nil when it has not seen the write (yet). final says the read began
// after the write's settle time: what it misses can no longer land.
type check func(ctx context.Context, c *Client, e *OutcomeUnknownError, final bool) (*Resolution, error)

// clockSkew is how much earlier than SentAt a timestamp of Argos may be
// and still count as "since the send": the client's and Argos's clocks
// differ a little.
const clockSkew = 5 * time.Second

// maxCandidates bounds the submissions one read of a Step 1 or a migration
// looks at in full.
const maxCandidates = 20

// undetermined is the Resolution the API cannot tell.
func undetermined(reason string) *Resolution {
	return &Resolution{State: ResolutionUndetermined, Reason: reason}
}

// Reasons of calls whose effect the API does not show.
const (
	reasonNoPoolRead = "the API has no read of the token pool; adding or deleting the same token IDs again is safe " +
		"(the pool overwrites the IDs it has, and counts the ones it lacks)"
	reasonMonitor = "the API reads a monitoring record only by the record ID the lost answer carried: check the " +
		"worklist in the dashboard, or its aml_monitor webhooks, before registering the same submissions again"
	reasonFaceAuth = "the API reads an authentication only by the ID the lost answer carried; a FaceAuth sent " +
		"again is a new authentication"
	reasonGone = "the submission is deleted or does not exist, so what the write did to it cannot be read"
)

// checkFor returns the check of e's call, after checking that e carries
// what it needs.
func checkFor(e *OutcomeUnknownError) (check, error) {
	if e.SentAt.IsZero() {
		return nil, &ValidationError{Field: "OutcomeUnknownError.SentAt", Reason: "is zero: when the request was sent is needed"}
	}
	if e.CorrelationToken != "" && !isCustomField(e.CorrelationField) {
		return nil, &ValidationError{Field: "OutcomeUnknownError.CorrelationField",
			Reason: "must be DataFieldCF1, DataFieldCF2 or DataFieldCF3 with a CorrelationToken (or give the client WithCorrelationField)"}
	}
	needID := func(c check) (check, error) {
		if err := checkID("OutcomeUnknownError.SubmissionID", e.SubmissionID); err != nil {
			return nil, err
		}
		return c, nil
	}
	switch e.Op {
	case "SubmitStep1":
		r, ok := e.Request.(*Step1Request)
		if !ok || r == nil || (r.SubmissionID == "" && r.Email == "") {
			return nil, requestWanted("a *Step1Request with the Email (or, for a retry, the SubmissionID) that was sent")
		}
		if r.SubmissionID != "" {
			e.SubmissionID = r.SubmissionID
			return checkStep1Retry, nil
		}
		return checkStep1, nil
	case "MigrateSubmission":
		if r, ok := e.Request.(*MigrationRequest); !ok || r == nil || r.Email == "" {
			return nil, requestWanted("a *MigrationRequest with the Email that was sent")
		}
		return checkMigration, nil
	case "SubmitStep2":
		return needID(checkStep2)
	case "ReviewSubmission":
		if r, ok := e.Request.(*ReviewRequest); !ok || r == nil || !r.Status.Final() {
			return nil, requestWanted("a *ReviewRequest with the Status that was sent")
		}
		return needID(checkReview)
	case "UpdateSubmission":
		if r, ok := e.Request.(*UpdateSubmissionRequest); !ok || r == nil {
			return nil, requestWanted("the *UpdateSubmissionRequest that was sent")
		}
		return needID(checkUpdate)
	case "UpdateImages":
		if r, ok := e.Request.(*UpdateImagesRequest); !ok || r == nil {
			return nil, requestWanted("the *UpdateImagesRequest that was sent, with its images")
		}
		return needID(checkImages)
	case "DeleteSubmission":
		return needID(checkDeleted)
	case "DeleteSubmissionFields":
		if r, ok := e.Request.(*DeleteFieldsRequest); !ok || r == nil || len(r.Fields) == 0 {
			return nil, requestWanted("the *DeleteFieldsRequest that was sent")
		}
		return needID(checkErased)
	case "AddTokens", "DeleteTokens":
		return answerNow(undetermined(reasonNoPoolRead)), nil
	case "MonitorAML":
		return answerNow(undetermined(reasonMonitor)), nil
	case "FaceAuth":
		return answerNow(undetermined(reasonFaceAuth)), nil
	case "AddressCode", "LookupAddressCode":
		return answerNow(&Resolution{State: ResolutionNotLanded,
			Reason: "the address lookup changes nothing at Argos: sending it again is safe"}), nil
	}
	return nil, &ValidationError{Field: "OutcomeUnknownError.Op", Reason: "names no call of the SDK that changes state"}
}

func requestWanted(what string) error {
	return &ValidationError{Field: "OutcomeUnknownError.Request", Reason: "must be " + what}
}

// answerNow is a check that answers res at once, whatever the API shows.
func answerNow(res *Resolution) check {
	return func(context.Context, *Client, *OutcomeUnknownError, bool) (*Resolution, error) {
		cp := *res
		return &cp, nil
	}
}

// since reports whether the Argos timestamp ts is at or after the send
// (allowing for clockSkew); ok is false when ts is missing or unreadable.
func since(ts string, sent time.Time) (after, ok bool) {
	t, err := ParseTimestamp(ts)
	if ts == "" || err != nil {
		return false, false
	}
	return !t.Before(sent.Add(-clockSkew)), true
}

// changedSince reports whether s changed at or after the send, by the
// latest of its timestamps; ok is false when it carries none.
func changedSince(s *Submission, sent time.Time) (after, ok bool) {
	for _, ts := range []string{s.UpdatedAt, s.KYCResultAt, s.PendingAt} {
		a, k := since(ts, sent)
		after, ok = after || a, ok || k
	}
	return after, ok
}

// read reads the submission e is about: nil when it is gone (not found, or
// deleted).
func read(ctx context.Context, c *Client, id string) (*Submission, error) {
	s, err := c.GetSubmission(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil || s.Deleted() {
		return nil, err
	}
	return s, nil
}

// landed is the Resolution of a write seen in s.
func landed(s *Submission) *Resolution {
	return &Resolution{State: ResolutionLanded, Submission: s, SubmissionID: s.ID}
}

// candidates returns, in full, the submissions with email created since
// the send that match keep. keep sees each list item first (which may
// leave fields out) and is asked again of the full submission; tooMany
// says more than maxCandidates items passed the first look.
func candidates(ctx context.Context, c *Client, email string, sent time.Time, keep func(*Submission) bool) (found []*Submission, tooMany bool, err error) {
	// The day before the send: the API's dates may be in another zone.
	p := &ListSubmissionsParams{Email: email, StartDate: sent.Add(-clockSkew).UTC().AddDate(0, 0, -1).Format(time.DateOnly)}
	looked := 0
	for s, err := range c.AllSubmissions(ctx, p) {
		if err != nil {
			return nil, false, err
		}
		if after, ok := since(s.CreatedAt, sent); (ok && !after) || !keep(s) {
			continue
		}
		if looked++; looked > maxCandidates {
			return nil, true, nil
		}
		full, err := read(ctx, c, s.ID)
		if err != nil {
			return nil, false, err
		}
		if full != nil && strings.EqualFold(full.Email, email) && keep(full) {
			found = append(found, full)
		}
	}
	return found, false, nil
}

// pick is the Resolution of a search for a submission a write created:
// one candidate landed, more cannot be told apart, none is not seen yet.
func pick(found []*Submission, tooMany bool, what string) *Resolution {
	switch {
	case tooMany:
		return undetermined(fmt.Sprintf("more than %d submissions of this email were created since the send: too many to tell apart", maxCandidates))
	case len(found) == 1:
		return landed(found[0])
	case len(found) > 1:
		return undetermined(fmt.Sprintf("%d submissions created since the send match what the %s sent: which one, if any, "+
			"is this one cannot be told (WithCorrelationField makes Step 1 exact)", len(found), what))
	}
	return nil
}

// checkStep1 finds the submission a Step 1 created: by its token with
// WithCorrelationField, else by what was sent.
func checkStep1(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	r := e.Request.(*Step1Request)
	keep := func(s *Submission) bool { return matchStep1(s, r) }
	if e.CorrelationToken != "" {
		// A list item may leave the field out; one that shows another
		// value is not this Step 1.
		keep = func(s *Submission) bool { return fits(e.CorrelationToken, customField(&s.Data, e.CorrelationField)) }
	}
	found, tooMany, err := candidates(ctx, c, r.Email, e.SentAt, keep)
	if err != nil {
		return nil, err
	}
	if e.CorrelationToken != "" {
		// The full submission must carry the token itself.
		found = slices.DeleteFunc(found, func(s *Submission) bool {
			return customField(&s.Data, e.CorrelationField) != e.CorrelationToken
		})
	}
	return pick(found, tooMany, "Step 1"), nil
}

// checkStep1Retry tells whether a Step 1 retry within a submission landed:
// its token, or a change of the submission since the send.
func checkStep1Retry(ctx context.Context, c *Client, e *OutcomeUnknownError, final bool) (*Resolution, error) {
	s, err := read(ctx, c, e.SubmissionID)
	if s == nil || err != nil {
		return goneOr(err)
	}
	if e.CorrelationToken != "" && customField(&s.Data, e.CorrelationField) == e.CorrelationToken {
		return landed(s), nil
	}
	return changedOr(s, e, final, "a Step 1 retry")
}

// changedOr is Landed when s changed since the send, nil when it did not
// (yet), and Undetermined, once final, when it carries no timestamp.
func changedOr(s *Submission, e *OutcomeUnknownError, final bool, what string) (*Resolution, error) {
	after, ok := changedSince(s, e.SentAt)
	switch {
	case after:
		return landed(s), nil
	case !ok && final:
		return undetermined("the submission shows no time of its last change, so whether " + what + " changed it cannot be told"), nil
	}
	return nil, nil
}

// goneOr is Undetermined for a submission that is gone, or err.
func goneOr(err error) (*Resolution, error) {
	if err != nil {
		return nil, err
	}
	return undetermined(reasonGone), nil
}

// checkStep2 tells whether a Step 2 try was counted: the submission shows
// a Step 2 attempt and changed since the send. One decided without any
// Step 2 attempt can no longer take one.
func checkStep2(ctx context.Context, c *Client, e *OutcomeUnknownError, final bool) (*Resolution, error) {
	s, err := read(ctx, c, e.SubmissionID)
	if s == nil || err != nil {
		return goneOr(err)
	}
	if len(s.KYC.Attempts) == 0 {
		if s.KYC.Status.Final() {
			return &Resolution{State: ResolutionNotLanded, Submission: s, SubmissionID: s.ID,
				Reason: "the submission was decided without a Step 2 attempt: Argos no longer takes one for it"}, nil
		}
		return nil, nil
	}
	return changedOr(s, e, final, "this Step 2")
}

// checkReview tells whether a review landed: the submission shows the
// decision asked for. Decided otherwise, it can no longer take the review
// (only pending submissions are reviewed).
func checkReview(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	r := e.Request.(*ReviewRequest)
	s, err := read(ctx, c, e.SubmissionID)
	if s == nil || err != nil {
		return goneOr(err)
	}
	switch {
	case s.KYC.Status == r.Status:
		return landed(s), nil
	case s.KYC.Status.Final():
		return &Resolution{State: ResolutionNotLanded, Submission: s, SubmissionID: s.ID,
			Reason: "the submission was decided otherwise: a review lands only on a pending submission"}, nil
	}
	return nil, nil
}

// checkUpdate tells whether an update landed: every field it set that GET
// /submission shows has the value sent.
func checkUpdate(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	d := &e.Request.(*UpdateSubmissionRequest).Data
	s, err := read(ctx, c, e.SubmissionID)
	if s == nil || err != nil {
		return goneOr(err)
	}
	shown := s.Data
	pairs := [][2]string{
		{string(d.Status), string(s.KYC.Status)}, {string(d.IDType), string(shown.IDType)},
		{d.IssuingCountry, shown.IssuingCountry}, {d.Nationality, shown.Nationality},
		{d.FullName, firstNonEmpty(shown.FullName, shown.Name)}, {d.FirstName, shown.FirstName},
		{d.LastName, shown.LastName}, {string(d.Gender), string(shown.Gender)}, {d.DateOfBirth, shown.DateOfBirth},
		{d.DateOfIssue, shown.DateOfIssue}, {d.DateOfExpiry, shown.DateOfExpiry}, {d.DocumentNumber, shown.DocumentNumber},
	}
	compared := 0
	for _, p := range pairs {
		if p[0] == "" {
			continue
		}
		compared++
		if !strings.EqualFold(strings.TrimSpace(p[0]), strings.TrimSpace(p[1])) {
			return nil, nil
		}
	}
	if compared == 0 {
		return undetermined("the update sets only fields GET /submission does not show (the identity number is masked, " +
			"the serial number absent); sending it again sets the same values"), nil
	}
	return landed(s), nil
}

// checkImages tells whether new images landed: each image sent is, byte
// for byte, what GET /image serves for its type.
func checkImages(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	r := e.Request.(*UpdateImagesRequest)
	s, err := read(ctx, c, e.SubmissionID)
	if s == nil || err != nil {
		return goneOr(err)
	}
	for _, img := range []struct {
		t ImageType
		f *File
	}{{ImageID, r.IDImage}, {ImageIDBack, r.IDBackImage}, {ImageSelfie, r.SelfieImage}, {ImageAddress, r.AddressImage}} {
		if img.f == nil {
			continue
		}
		sent, ok := reread(img.f)
		if !ok {
			return undetermined("an image was read once as it streamed and not kept (give a File whose Body has ReadAt " +
				"and Seek, such as an *os.File or *bytes.Reader, to compare it); sending the same images again overwrites them"), nil
		}
		same, err := sameImage(ctx, c, s.ID, img.t, sent)
		if err != nil || !same {
			return nil, err
		}
	}
	return landed(s), nil
}

// reread reads f's image again from where it was sent; ok is false when
// its Body cannot be read again.
func reread(f *File) ([]byte, bool) {
	if f.Body == nil {
		return nil, false
	}
	src, err := newImageSource(f.Body)
	if err != nil || src.open == nil {
		return nil, false
	}
	rd, err := src.open()
	if err != nil {
		return nil, false
	}
	b, err := io.ReadAll(io.LimitReader(rd, MaxImageSize+1))
	return b, err == nil
}

// sameImage reports whether the submission's image of type t is sent.
func sameImage(ctx context.Context, c *Client, id string, t ImageType, sent []byte) (bool, error) {
	d, err := c.DownloadImage(ctx, id, t)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrBadRequest) {
		return false, nil // no such image yet
	}
	if err != nil {
		return false, err
	}
	defer d.Body.Close()
	got, err := io.ReadAll(io.LimitReader(d.Body, MaxImageSize+1))
	if err != nil {
		return false, fmt.Errorf("argos: ResolveOutcome: reading the image: %w", err)
	}
	return bytes.Equal(got, sent), nil
}

// checkDeleted tells whether a DELETE /submission landed.
func checkDeleted(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	s, err := c.GetSubmission(ctx, e.SubmissionID)
	switch {
	case errors.Is(err, ErrNotFound):
		return &Resolution{State: ResolutionLanded, SubmissionID: e.SubmissionID}, nil
	case err != nil:
		return nil, err
	case s.Deleted():
		return landed(s), nil
	}
	return nil, nil
}

// checkMigration finds the submission a migration inserted, by what was
// sent.
func checkMigration(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	r := e.Request.(*MigrationRequest)
	found, tooMany, err := candidates(ctx, c, r.Email, e.SentAt, func(s *Submission) bool { return matchMigration(s, r) })
	if err != nil {
		return nil, err
	}
	return pick(found, tooMany, "migration"), nil
}
