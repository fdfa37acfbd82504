//go:build go1.25

package argos_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// Every test here runs in a synctest bubble against the fake over in-memory
// connections: the settle time (30 s by default) passes in virtual time,
// and a write the fake processes late lands at a virtual moment.

// resolveWrite is one call that changes state, as the resolution tests
// drive it against the fake.
type resolveWrite struct {
	name         string
	method, path string // the fake's route, for its faults
	opts         []argos.Option
	// prepare sets up what the write needs (a submission in the right
	// state) and returns the write.
	prepare func(t *testing.T, fake *pipeFake, c *argos.Client) func(context.Context) error
	// landed checks the fake after a write resolved as landed: it took
	// effect once.
	landed func(t *testing.T, fake *pipeFake, c *argos.Client, res *argos.Resolution)
	// notLanded checks the fake after a write resolved as not landed.
	notLanded func(t *testing.T, fake *pipeFake, c *argos.Client)
}

const applicantEmail = "resolve.applicant@example.com"

// submissionsOf lists the email's submissions at the fake.
func submissionsOf(t *testing.T, c *argos.Client, email string) []argos.Submission {
	t.Helper()
	list, err := c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Email: email})
	require.NoError(t, err)
	return list.Items
}

// readSubmission reads a submission at the fake.
func readSubmission(t *testing.T, c *argos.Client, id string) *argos.Submission {
	t.Helper()
	s, err := c.GetSubmission(context.Background(), id)
	require.NoError(t, err)
	return s
}

// pendingAtFake runs Step 1 and a Step 2 the fake holds for review.
func pendingAtFake(t *testing.T, fake *pipeFake, c *argos.Client) string {
	t.Helper()
	id := step1(t, c, applicantEmail, "u-resolve").SubmissionID
	fake.ScriptStep2(argostest.OutcomePending)
	_, err := step2(t, c, id)
	require.NoError(t, err)
	return id
}

func migrationAtFake() *argos.MigrationRequest {
	return &argos.MigrationRequest{Admin: argostest.DefaultAdmin, Email: applicantEmail, FullName: "Hong Kil Dong",
		DateOfBirth: "1999-11-30", Status: argos.KYCApproved, IDType: argos.IDPassport, IssuingCountry: "KOR",
		Nationality: "KOR", CF1: "crm-4411", UserID: "legacy-user-9"}
}

func resolveWrites() []resolveWrite {
	oneSubmission := func(t *testing.T, _ *pipeFake, c *argos.Client, res *argos.Resolution) {
		subs := submissionsOf(t, c, applicantEmail)
		require.Len(t, subs, 1, "the write created one submission")
		assert.Equal(t, subs[0].ID, res.SubmissionID)
		require.NotNil(t, res.Submission)
		assert.Equal(t, subs[0].ID, res.Submission.ID)
	}
	noSubmission := func(t *testing.T, _ *pipeFake, c *argos.Client) {
		assert.Empty(t, submissionsOf(t, c, applicantEmail), "nothing was created")
	}
	var id string // the submission the write is about, set by prepare
	sameID := func(check func(t *testing.T, s *argos.Submission)) func(*testing.T, *pipeFake, *argos.Client, *argos.Resolution) {
		return func(t *testing.T, _ *pipeFake, c *argos.Client, res *argos.Resolution) {
			assert.Equal(t, id, res.SubmissionID)
			require.NotNil(t, res.Submission)
			check(t, readSubmission(t, c, id))
		}
	}
	unchanged := func(check func(t *testing.T, s *argos.Submission)) func(*testing.T, *pipeFake, *argos.Client) {
		return func(t *testing.T, _ *pipeFake, c *argos.Client) { check(t, readSubmission(t, c, id)) }
	}
	selfie := argostest.SampleJPEG()
	newStep1 := func(_ *testing.T, _ *pipeFake, c *argos.Client) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.SubmitStep1(ctx, step1Request(applicantEmail, "u-resolve"))
			return err
		}
	}
	return []resolveWrite{
		{name: "SubmitStep1 with a correlation field", method: http.MethodPost, path: "/submission/step1",
			opts:    []argos.Option{argos.WithCorrelationField(argos.DataFieldCF3)},
			prepare: newStep1, landed: oneSubmission, notLanded: noSubmission},
		{name: "SubmitStep1 without a correlation field", method: http.MethodPost, path: "/submission/step1",
			prepare: newStep1, landed: oneSubmission, notLanded: noSubmission},
		{name: "SubmitStep2", method: http.MethodPost, path: "/submission/step2",
			prepare: func(t *testing.T, _ *pipeFake, c *argos.Client) func(context.Context) error {
				id = step1(t, c, applicantEmail, "u-resolve").SubmissionID
				return func(context.Context) error { _, err := step2(t, c, id); return err }
			},
			landed: sameID(func(t *testing.T, s *argos.Submission) {
				assert.Len(t, s.KYC.Attempts, 1, "one try counted")
				assert.Equal(t, argos.KYCApproved, s.KYC.Status)
			}),
			notLanded: unchanged(func(t *testing.T, s *argos.Submission) {
				assert.Empty(t, s.KYC.Attempts, "no try counted: sending it again uses none twice")
			})},
		{name: "ReviewSubmission", method: http.MethodPost, path: "/submission/review",
			prepare: func(t *testing.T, fake *pipeFake, c *argos.Client) func(context.Context) error {
				id = pendingAtFake(t, fake, c)
				return func(ctx context.Context) error {
					_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved})
					return err
				}
			},
			landed: sameID(func(t *testing.T, s *argos.Submission) { assert.Equal(t, argos.KYCApproved, s.KYC.Status) }),
			notLanded: unchanged(func(t *testing.T, s *argos.Submission) {
				assert.Equal(t, argos.KYCPending, s.KYC.Status)
			})},
		{name: "UpdateSubmission", method: http.MethodPatch, path: "/submission",
			prepare: func(t *testing.T, _ *pipeFake, c *argos.Client) func(context.Context) error {
				id = step1(t, c, applicantEmail, "u-resolve").SubmissionID
				return func(ctx context.Context) error {
					_, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
						Data: argos.SubmissionUpdate{FullName: "Corrected Name", DateOfBirth: "1991-02-03", Nationality: "KOR"}})
					return err
				}
			},
			landed: sameID(func(t *testing.T, s *argos.Submission) { assert.Equal(t, "1991-02-03", s.Data.DateOfBirth) }),
			notLanded: unchanged(func(t *testing.T, s *argos.Submission) {
				assert.NotEqual(t, "1991-02-03", s.Data.DateOfBirth)
			})},
		{name: "UpdateImages", method: http.MethodPut, path: "/submission/image",
			prepare: func(t *testing.T, _ *pipeFake, c *argos.Client) func(context.Context) error {
				id = step1(t, c, applicantEmail, "u-resolve").SubmissionID
				return func(ctx context.Context) error {
					_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
						SelfieImage: &argos.File{Body: bytes.NewReader(selfie)}})
					return err
				}
			},
			landed: sameID(func(t *testing.T, s *argos.Submission) { assert.NotEmpty(t, s.Images.SelfieImage) }),
			notLanded: unchanged(func(t *testing.T, s *argos.Submission) {
				assert.Empty(t, s.Images.SelfieImage, "no selfie was stored")
			})},
		{name: "MigrateSubmission", method: http.MethodPost, path: "/submission/migration",
			prepare: func(_ *testing.T, _ *pipeFake, c *argos.Client) func(context.Context) error {
				return func(ctx context.Context) error { _, err := c.MigrateSubmission(ctx, migrationAtFake()); return err }
			},
			landed: oneSubmission, notLanded: noSubmission},
	}
}

// lostAnswer is a way an answer is lost, and whether the fake processed the
// request first.
type lostAnswer struct {
	name      string
	processed bool
	inject    func(fake *pipeFake, method, path string) // a fault of the fake's own
	front     func(method, path string) func(http.Handler) http.Handler
}

func lostAnswers() []lostAnswer {
	fault := func(f argostest.Fault) func(*pipeFake, string, string) {
		return func(fake *pipeFake, method, path string) {
			f.Method, f.Path = method, path
			fake.InjectFault(f)
		}
	}
	after := func(act func(http.ResponseWriter, *http.Request, func())) func(string, string) func(http.Handler) http.Handler {
		return func(method, path string) func(http.Handler) http.Handler { return afterProcessing(method, path, act) }
	}
	return []lostAnswer{
		{name: "a connection dropped after the request was read and processed", processed: true, front: after(dropAfter)},
		{name: "an answer cut short after processing", processed: true, inject: fault(argostest.Fault{Truncate: true})},
		{name: "a 502 after processing", processed: true, front: after(gatewayErrorAfter(http.StatusBadGateway))},
		{name: "a connection dropped before processing", inject: fault(argostest.Fault{Drop: true})},
		{name: "a 502 cut short before processing", inject: fault(argostest.Fault{Status: http.StatusBadGateway, Truncate: true})},
		{name: "a 503 before processing", inject: fault(argostest.Fault{Status: http.StatusServiceUnavailable})},
	}
}

func TestResolveOutcomeOfEveryWrite(t *testing.T) {
	for _, w := range resolveWrites() {
		for _, lost := range lostAnswers() {
			want := "not landed"
			if lost.processed {
				want = "landed"
			}
			t.Run(w.name+" after "+lost.name+" resolves "+want, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var front func(http.Handler) http.Handler
					if lost.front != nil {
						front = lost.front(w.method, w.path)
					}
					fake := newPipeFake(t, front)
					c := fake.client(t, w.opts...)
					write := w.prepare(t, fake, c)
					if lost.inject != nil {
						lost.inject(fake, w.method, w.path)
					}

					err := write(t.Context())
					require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
					var unknown *argos.OutcomeUnknownError
					require.ErrorAs(t, err, &unknown)
					res, rerr := c.ResolveOutcome(t.Context(), err)

					require.NoError(t, rerr)
					if !lost.processed {
						assert.Equal(t, argos.ResolutionNotLanded, res.State, "reason: %s", res.Reason)
						assert.False(t, time.Now().Before(unknown.SentAt.Add(30*time.Second)),
							"NotLanded only once the settle time is over")
						w.notLanded(t, fake, c)
						return
					}
					assert.Equal(t, argos.ResolutionLanded, res.State, "reason: %s", res.Reason)
					assert.True(t, time.Now().Before(unknown.SentAt.Add(30*time.Second)),
						"Landed as soon as it is seen, without waiting for the settle time")
					w.landed(t, fake, c, res)
				})
			})
		}
	}
}

func TestResolveOutcomeWaitsForAWriteThatLandsLate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		path  string
		write func(t *testing.T, c *argos.Client, id string) error
	}{
		{"a Step 1 processed after the client gave up", "/submission/step1", func(t *testing.T, c *argos.Client, _ string) error {
			_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
			return err
		}},
		{"a Step 2 processed after the client gave up", "/submission/step2", func(t *testing.T, c *argos.Client, id string) error {
			_, err := step2(t, c, id)
			return err
		}},
	} {
		t.Run(tc.name+" is Landed when it lands, within the settle time", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const late = 8 * time.Second
				fake := newPipeFake(t, afterProcessing(http.MethodPost, tc.path, landsLate(late)))
				c := fake.client(t, argos.WithTimeout(2*time.Second))
				id := ""
				if tc.path == "/submission/step2" {
					id = step1(t, c, "step1-first@example.com", "").SubmissionID
				}
				err := tc.write(t, c, id)
				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
				require.ErrorIs(t, err, context.DeadlineExceeded, "the client gave up")
				var unknown *argos.OutcomeUnknownError
				require.ErrorAs(t, err, &unknown)
				if id == "" {
					assert.Empty(t, submissionsOf(t, c, applicantEmail), "a lookup right away finds nothing: no proof")
				}

				res, rerr := c.ResolveOutcome(t.Context(), err)

				require.NoError(t, rerr)
				assert.Equal(t, argos.ResolutionLanded, res.State, "reason: %s", res.Reason)
				since := time.Since(unknown.SentAt)
				assert.GreaterOrEqual(t, since, late, "it waited for the write")
				assert.LessOrEqual(t, since, late+5*time.Second, "and answered at the next read after it landed")
			})
		})
	}
}

func TestResolveOutcomeEndsWithItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t)
		fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Status: http.StatusServiceUnavailable})
		_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
		require.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()

		res, rerr := c.ResolveOutcome(ctx, err)

		assert.Nil(t, res, "no answer before the write can no longer land")
		require.ErrorIs(t, rerr, context.DeadlineExceeded)
		assert.Contains(t, rerr.Error(), "may land until")
	})
}

func TestResolveOutcomeSettleTimeIsAnOption(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client []argos.Option
		call   []argos.Option
		want   time.Duration
	}{
		{"the default is 30 s", nil, nil, 30 * time.Second},
		{"WithSettleTime on the client changes it", []argos.Option{argos.WithSettleTime(45 * time.Second)}, nil, 45 * time.Second},
		{"WithSettleTime on the call changes it for that call", nil, []argos.Option{argos.WithSettleTime(10 * time.Second)}, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t, tc.client...)
				fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Drop: true})
				_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, ""))
				var unknown *argos.OutcomeUnknownError
				require.ErrorAs(t, err, &unknown)

				res, rerr := c.ResolveOutcome(t.Context(), err, tc.call...)

				require.NoError(t, rerr)
				assert.Equal(t, argos.ResolutionNotLanded, res.State)
				waited := time.Since(unknown.SentAt)
				assert.GreaterOrEqual(t, waited, tc.want)
				assert.Less(t, waited, tc.want+time.Second, "it answered once the settle time was over")
			})
		})
	}
}

func TestResolveOutcomeOfStep1WithoutCorrelationNeverGuesses(t *testing.T) {
	for _, tc := range []struct {
		name string
		gap  time.Duration // between the earlier Step 1 and the lost one
		opts []argos.Option
		want argos.ResolutionState
	}{
		{"two candidate Step 1s created since the send are Undetermined", 0, nil, argos.ResolutionUndetermined},
		{"an earlier Step 1 from well before the send is no candidate", time.Minute, nil, argos.ResolutionLanded},
		{"with a correlation field the lost one is found among both", 0,
			[]argos.Option{argos.WithCorrelationField(argos.DataFieldCF2)}, argos.ResolutionLanded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t, tc.opts...)
				earlier := step1(t, c, applicantEmail, "u-resolve").SubmissionID
				time.Sleep(tc.gap)
				fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
				_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, "u-resolve"))
				require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

				res, rerr := c.ResolveOutcome(t.Context(), err)

				require.NoError(t, rerr)
				assert.Equal(t, tc.want, res.State, "reason: %s", res.Reason)
				if tc.want == argos.ResolutionUndetermined {
					assert.Contains(t, res.Reason, "2 submissions")
					assert.Nil(t, res.Submission, "no guess")
					return
				}
				assert.NotEqual(t, earlier, res.SubmissionID, "the lost one, not the earlier one")
				assert.Len(t, submissionsOf(t, c, applicantEmail), 2)
			})
		})
	}
}

func TestCorrelationFieldIsTheSDKsAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t, argos.WithCorrelationField(argos.DataFieldCF1))
		r := step1Request(applicantEmail, "")
		r.CF1 = "the customer's own value"

		_, err := c.SubmitStep1(t.Context(), r)

		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "CF1", ve.Field)
		assert.Empty(t, fake.Requests(), "nothing was sent")
		assert.Equal(t, "the customer's own value", r.CF1, "the request is not changed")

		r.CF1 = ""
		s1, err := c.SubmitStep1(t.Context(), r)
		require.NoError(t, err)
		assert.Empty(t, r.CF1, "the token goes on the wire, not into the caller's request")
		assert.Regexp(t, `^argos-[a-z2-7]{26}$`, readSubmission(t, c, s1.SubmissionID).Data.CF1)
	})
}

func TestWithCorrelationFieldTakesOnlyCustomFields(t *testing.T) {
	for _, f := range []argos.DataField{argos.DataFieldName, argos.DataFieldIdentityNumber, "cf4", ""} {
		_, err := argos.NewClient(testKey, argos.WithCorrelationField(f))
		assert.ErrorIs(t, err, argos.ErrValidation, "%q", f)
	}
}

func TestResolveOutcomeOfStep1AmongTooManySubmissionsIsUndetermined(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t)
		for range 21 {
			step1(t, c, applicantEmail, "u-resolve")
		}
		fake.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
		_, err := c.SubmitStep1(t.Context(), step1Request(applicantEmail, "u-resolve"))
		require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

		res, rerr := c.ResolveOutcome(t.Context(), err)

		require.NoError(t, rerr)
		assert.Equal(t, argos.ResolutionUndetermined, res.State)
		assert.Contains(t, res.Reason, "more than 20 submissions")
	})
}
