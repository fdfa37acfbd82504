//go:build go1.25

package argos_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestResolveOutcomeOfAStep2AfterEarlierTries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault argostest.Fault
		want  argos.ResolutionState
		tries int
	}{
		{"a second try cut short after processing was counted", argostest.Fault{Truncate: true}, argos.ResolutionLanded, 2},
		{"a second try refused before processing was not: the earlier try is not taken for it",
			argostest.Fault{Status: http.StatusServiceUnavailable}, argos.ResolutionNotLanded, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t)
				id := step1(t, c, applicantEmail, "").SubmissionID
				fake.ScriptStep2(argostest.OutcomeFaceMismatch)
				first, err := step2(t, c, id)
				require.NoError(t, err)
				require.True(t, first.CanRetry())
				time.Sleep(time.Minute) // the applicant takes another selfie
				tc.fault.Method, tc.fault.Path = http.MethodPost, "/submission/step2"
				fake.InjectFault(tc.fault)
				_, err = step2(t, c, id)
				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

				res, rerr := c.ResolveOutcome(t.Context(), err)

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State, "reason: %s", res.Reason)
				assert.Len(t, readSubmission(t, c, id).KYC.Attempts, tc.tries)
			})
		})
	}
}

func TestResolveOutcomeAnswersNotLandedAtOnceWhenTheWriteCanNoLongerLand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, fake *pipeFake, c *argos.Client) error
	}{
		{"a Step 2 for a submission decided without one", func(t *testing.T, fake *pipeFake, c *argos.Client) error {
			id := step1(t, c, applicantEmail, "").SubmissionID
			_, err := c.UpdateSubmission(t.Context(), &argos.UpdateSubmissionRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
				Data: argos.SubmissionUpdate{Status: argos.KYCRejected}})
			require.NoError(t, err)
			fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step2", Status: http.StatusBadGateway})
			_, err = step2(t, c, id)
			return err
		}},
		{"a review of a submission decided otherwise", func(t *testing.T, fake *pipeFake, c *argos.Client) error {
			id := pendingAtFake(t, fake, c)
			require.NoError(t, fake.SetKYCResult(id, argos.KYCRejected, "by another reviewer"))
			fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/review", Status: http.StatusBadGateway})
			_, err := c.ReviewSubmission(t.Context(), &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t)
				err := tc.write(t, fake, c)
				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
				start := time.Now()

				res, rerr := c.ResolveOutcome(t.Context(), err)

				require.NoError(t, rerr)
				assert.Equal(t, argos.ResolutionNotLanded, res.State)
				assert.NotEmpty(t, res.Reason)
				require.NotNil(t, res.Submission)
				assert.Zero(t, time.Since(start), "no wait: the write can no longer land")
			})
		})
	}
}

func TestResolveOutcomeOfCallsTheAPICannotShow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   string
		write  func(ctx context.Context, c *argos.Client) error
		want   argos.ResolutionState
		reason string
	}{
		{"AddTokens is Undetermined: the pool has no read", "/submission/tokens", func(ctx context.Context, c *argos.Client) error {
			_, err := c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{argos.NewTokenID()}})
			return err
		}, argos.ResolutionUndetermined, "adding or deleting the same token IDs again is safe"},
		{"MonitorAML is Undetermined: records are read by the lost record ID", "/submission/aml/monitor/w1", func(ctx context.Context, c *argos.Client) error {
			_, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "w1", SubmissionIDs: []string{"s1"}, Admin: argostest.DefaultAdmin})
			return err
		}, argos.ResolutionUndetermined, "worklist"},
		{"FaceAuth is Undetermined: its result was lost", "/faceauth", func(ctx context.Context, c *argos.Client) error {
			_, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())}})
			return err
		}, argos.ResolutionUndetermined, "new authentication"},
		{"AddressCode is NotLanded: it changes nothing", "/address_code", func(ctx context.Context, c *argos.Client) error {
			_, err := c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Main St"})
			return err
		}, argos.ResolutionNotLanded, "changes nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t)
				fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: tc.path, Status: http.StatusBadGateway})
				err := tc.write(t.Context(), c)
				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
				start := time.Now()

				res, rerr := c.ResolveOutcome(t.Context(), err)

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State)
				assert.Contains(t, res.Reason, tc.reason)
				assert.Zero(t, time.Since(start), "nothing to wait for")
			})
		})
	}
}

func TestResolveOutcomeOfARebuiltError(t *testing.T) {
	// A process records what it sends before sending it, crashes when the
	// answer is lost, and resolves after a restart with a new client.
	type record struct {
		sentAt         time.Time
		email, userID  string
		token, country string
	}
	for _, tc := range []struct {
		name      string
		opts      []argos.Option
		processed bool
		want      argos.ResolutionState
	}{
		{"a Step 1 with a correlation token that landed", []argos.Option{argos.WithCorrelationField(argos.DataFieldCF3)}, true, argos.ResolutionLanded},
		{"a Step 1 matched on what was sent that landed", nil, true, argos.ResolutionLanded},
		{"a Step 1 that never landed", []argos.Option{argos.WithCorrelationField(argos.DataFieldCF3)}, false, argos.ResolutionNotLanded},
	} {
		t.Run(tc.name+" resolves "+string(tc.want)+" after a restart", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				before := fake.client(t, tc.opts...)
				fault := argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true}
				if !tc.processed {
					fault = argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Drop: true}
				}
				fake.InjectFault(fault)
				_, err := before.SubmitStep1(t.Context(), step1Request(applicantEmail, "u-restart"))
				var lost *argos.OutcomeUnknownError
				require.ErrorAs(t, err, &lost)
				rec := record{sentAt: lost.SentAt, email: applicantEmail, userID: "u-restart", token: lost.CorrelationToken, country: "USA"}
				assert.Equal(t, tc.opts != nil, rec.token != "", "the token is in the error to record")

				after := fake.client(t, tc.opts...) // the restarted process
				res, rerr := after.ResolveOutcome(t.Context(), &argos.OutcomeUnknownError{
					Op: "SubmitStep1", SentAt: rec.sentAt, CorrelationField: argos.DataFieldCF3, CorrelationToken: rec.token,
					Request: &argos.Step1Request{Email: rec.email, UserID: rec.userID, IDType: argos.IDPassport, IssuingCountry: rec.country},
				})

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State, "reason: %s", res.Reason)
				if tc.want == argos.ResolutionLanded {
					subs := submissionsOf(t, after, applicantEmail)
					require.Len(t, subs, 1)
					assert.Equal(t, subs[0].ID, res.SubmissionID)
				}
			})
		})
	}
}

func TestResolveOutcomeOfARebuiltStep1Retry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		since time.Duration // how long after the submission's last change the retry was sent
		token bool
		want  argos.ResolutionState
	}{
		{"a retry the submission changed after is Landed", 0, false, argos.ResolutionLanded},
		{"a retry the submission did not change after is NotLanded", time.Minute, false, argos.ResolutionNotLanded},
		{"a retry whose token the submission carries is Landed", time.Minute, true, argos.ResolutionLanded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t, argos.WithCorrelationField(argos.DataFieldCF2))
				s1, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
				require.NoError(t, err)
				token := readSubmission(t, c, s1.SubmissionID).Data.CF2
				lost := &argos.OutcomeUnknownError{Op: "SubmitStep1", SentAt: time.Now().Add(tc.since),
					Request: &argos.Step1Request{SubmissionID: s1.SubmissionID}}
				if tc.token {
					lost.CorrelationField, lost.CorrelationToken = argos.DataFieldCF2, token
				}

				res, rerr := c.ResolveOutcome(t.Context(), lost)

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State, "reason: %s", res.Reason)
				assert.Equal(t, s1.SubmissionID, res.SubmissionID)
			})
		})
	}
}

func TestResolveOutcomeOfARebuiltDeletion(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      string
		request any
		delete  func(t *testing.T, c *argos.Client, id string)
		want    argos.ResolutionState
	}{
		{"a DeleteSubmission that landed", "DeleteSubmission", nil, func(t *testing.T, c *argos.Client, id string) {
			_, err := c.DeleteSubmission(t.Context(), &argos.DeleteSubmissionRequest{SubmissionID: id})
			require.NoError(t, err)
		}, argos.ResolutionLanded},
		{"a DeleteSubmission that did not", "DeleteSubmission", nil, nil, argos.ResolutionNotLanded},
		{"a DeleteSubmissionFields that landed", "DeleteSubmissionFields",
			&argos.DeleteFieldsRequest{Fields: []argos.PartialField{argos.PartialIDImage, argos.PartialData}, DataFields: []argos.DataField{argos.DataFieldCF1}},
			func(t *testing.T, c *argos.Client, id string) {
				_, err := c.DeleteSubmissionFields(t.Context(), &argos.DeleteFieldsRequest{SubmissionID: id,
					Fields: []argos.PartialField{argos.PartialIDImage, argos.PartialData}, DataFields: []argos.DataField{argos.DataFieldCF1}})
				require.NoError(t, err)
			}, argos.ResolutionLanded},
		{"a DeleteSubmissionFields that did not", "DeleteSubmissionFields",
			&argos.DeleteFieldsRequest{Fields: []argos.PartialField{argos.PartialIDImage, argos.PartialData}, DataFields: []argos.DataField{argos.DataFieldCF1}},
			nil, argos.ResolutionNotLanded},
	} {
		t.Run(tc.name+" resolves "+string(tc.want), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t)
				r := step1Request(applicantEmail, "")
				r.CF1 = "crm-1"
				s1, err := c.SubmitStep1(t.Context(), r)
				require.NoError(t, err)
				sent := time.Now()
				if tc.delete != nil {
					tc.delete(t, c, s1.SubmissionID)
				}

				res, rerr := c.ResolveOutcome(t.Context(), &argos.OutcomeUnknownError{Op: tc.op, SentAt: sent,
					SubmissionID: s1.SubmissionID, Request: tc.request})

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State, "reason: %s", res.Reason)
				assert.Equal(t, s1.SubmissionID, res.SubmissionID)
			})
		})
	}
}

func TestResolveOutcomeRefusesWhatItCannotResolve(t *testing.T) {
	sent := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		err   error
		opts  []argos.Option
		field string
	}{
		{"a nil error", nil, nil, "err"},
		{"an error with a known outcome", argos.ErrNotFound, nil, "err"},
		{"an error whose SentAt is zero", &argos.OutcomeUnknownError{Op: "SubmitStep2", SubmissionID: "s1"}, nil, "OutcomeUnknownError.SentAt"},
		{"an unknown call", &argos.OutcomeUnknownError{Op: "SubmitStep3", SentAt: sent}, nil, "OutcomeUnknownError.Op"},
		{"a Step 1 without its request", &argos.OutcomeUnknownError{Op: "SubmitStep1", SentAt: sent}, nil, "OutcomeUnknownError.Request"},
		{"a review with another call's request", &argos.OutcomeUnknownError{Op: "ReviewSubmission", SentAt: sent, SubmissionID: "s1",
			Request: &argos.Step1Request{Email: "a@example.com"}}, nil, "OutcomeUnknownError.Request"},
		{"a Step 2 without its submission ID", &argos.OutcomeUnknownError{Op: "SubmitStep2", SentAt: sent}, nil, "OutcomeUnknownError.SubmissionID"},
		{"an option for the whole client", &argos.OutcomeUnknownError{Op: "SubmitStep2", SentAt: sent, SubmissionID: "s1"},
			[]argos.Option{argos.WithHTTPClient(http.DefaultClient)}, "option WithHTTPClient"},
		{"a negative settle time", &argos.OutcomeUnknownError{Op: "SubmitStep2", SentAt: sent, SubmissionID: "s1"},
			[]argos.Option{argos.WithSettleTime(-time.Second)}, "settle time"},
	} {
		t.Run(tc.name+" is a ValidationError", func(t *testing.T) {
			c, mt := newMockClient(t)

			res, err := c.ResolveOutcome(context.Background(), tc.err, tc.opts...)

			assert.Nil(t, res)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing was read")
		})
	}
}

func TestResolveOutcomeTakesAWrappedError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t)
		fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
		_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
		wrapped := errors.Join(errors.New("onboarding failed"), err)

		res, rerr := c.ResolveOutcome(t.Context(), wrapped)

		require.NoError(t, rerr)
		assert.Equal(t, argos.ResolutionLanded, res.State)
	})
}

func TestResolveOutcomeOfARebuiltErrorTakesTheClientsCorrelationField(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t, argos.WithCorrelationField(argos.DataFieldCF1))
		fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
		_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
		var lost *argos.OutcomeUnknownError
		require.ErrorAs(t, err, &lost)
		rebuilt := &argos.OutcomeUnknownError{Op: "SubmitStep1", SentAt: lost.SentAt, CorrelationToken: lost.CorrelationToken,
			Request: &argos.Step1Request{Email: applicantEmail}}

		res, rerr := c.ResolveOutcome(t.Context(), rebuilt)

		require.NoError(t, rerr)
		assert.Equal(t, argos.ResolutionLanded, res.State, "the token is looked for in the client's field")
		assert.Empty(t, rebuilt.CorrelationField, "the caller's error is not changed")

		other := fake.client(t) // no WithCorrelationField: the field is unknown
		_, rerr = other.ResolveOutcome(t.Context(), rebuilt)
		var ve *argos.ValidationError
		require.ErrorAs(t, rerr, &ve)
		assert.Equal(t, "OutcomeUnknownError.CorrelationField", ve.Field)
	})
}
