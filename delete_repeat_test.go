package argos_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// A DELETE whose answer is lost is sent again, and the repeat finds nothing
// left to delete: that is the earlier attempt's work, not a wrong ID.

func TestARepeatedDeleteThatFindsNothingSucceeds(t *testing.T) {
	cutAnswer := func(path string) argostest.Fault {
		return argostest.Fault{Method: http.MethodDelete, Path: path, Truncate: true} // processed, answer cut
	}
	for _, tc := range []struct {
		name  string
		front func(http.Handler) http.Handler
		fault *argostest.Fault
		known bool // the submission exists
		call  func(t *testing.T, c *argos.Client, id string) (*argos.DeleteResult, error)
		gone  bool // want success with AlreadyGone; otherwise ErrNotFound
	}{
		{"DeleteSubmission after a cut answer reports the submission already gone", nil, ptrTo(cutAnswer("/submission")), true,
			deleteSubmission, true},
		{"DeleteSubmission after a 502 to a processed request reports it already gone",
			afterProcessing(http.MethodDelete, "/submission", gatewayErrorAfter(http.StatusBadGateway)), nil, true,
			deleteSubmission, true},
		{"DeleteSubmission after a dropped connection reports it already gone",
			afterProcessing(http.MethodDelete, "/submission", dropAfter), nil, true,
			deleteSubmission, true},
		{"DeleteSubmission of an unknown ID is still ErrNotFound", nil, nil, false,
			deleteSubmission, false},
		{"DeleteSubmission after a 429 is still ErrNotFound: a throttled request reached nothing", nil,
			&argostest.Fault{Method: http.MethodDelete, Path: "/submission", Status: http.StatusTooManyRequests}, false,
			deleteSubmission, false},
		{"DeleteSubmissionFields after an attempt that may have landed reports it already gone", nil,
			&argostest.Fault{Method: http.MethodDelete, Path: "/submission/partial", Drop: true}, false,
			deleteFields, true},
		{"DeleteSubmissionFields of an unknown ID is still ErrNotFound", nil, nil, false,
			deleteFields, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newPipeFake(t, tc.front)
			c := fake.client(t)
			id := "unknownsubmission1"
			if tc.known {
				id = step1(t, c, "repeat@example.com", "").SubmissionID
			}
			if tc.fault != nil {
				fake.InjectFault(*tc.fault)
			}

			res, err := tc.call(t, c, id)

			if !tc.gone {
				require.ErrorIs(t, err, argos.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.True(t, res.AlreadyGone, "DeleteResult.AlreadyGone")
			if tc.known {
				raw, ok := fake.Submission(id)
				require.True(t, ok)
				assert.Contains(t, string(raw), "Deleted Submission", "the first attempt deleted it")
			}
		})
	}
}

func TestAFirstDeleteIsNotAlreadyGone(t *testing.T) {
	fake := newPipeFake(t, nil)
	c := fake.client(t)
	id := step1(t, c, "once@example.com", "").SubmissionID

	res, err := c.DeleteSubmission(t.Context(), &argos.DeleteSubmissionRequest{SubmissionID: id})

	require.NoError(t, err)
	assert.False(t, res.AlreadyGone)
	assert.Equal(t, "success", res.Message)
}

func TestARepeatedDeleteTokensCountsWhatItFoundGone(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		fault                    *argostest.Fault
		deleted, notFound, early int
	}{
		{"a first attempt deletes and counts", nil, 2, 1, 0},
		{"a repeat after a cut answer counts the IDs it found gone as AlreadyGone",
			&argostest.Fault{Method: http.MethodDelete, Path: "/submission/tokens", Truncate: true}, 0, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newPipeFake(t, nil)
			c := fake.client(t)
			ids := []string{argos.NewTokenID(), argos.NewTokenID()}
			_, err := c.AddTokens(t.Context(), &argos.TokensRequest{TokenIDs: ids})
			require.NoError(t, err)
			if tc.fault != nil {
				fake.InjectFault(*tc.fault)
			}

			res, err := c.DeleteTokens(t.Context(), &argos.TokensRequest{TokenIDs: append(ids, argos.NewTokenID())})

			require.NoError(t, err)
			assert.Equal(t, tc.deleted, res.Deleted, "Deleted")
			assert.Equal(t, tc.notFound, res.NotFound, "NotFound")
			assert.Equal(t, tc.early, res.AlreadyGone, "AlreadyGone")
			assert.Empty(t, fake.Tokens())
		})
	}
}

func deleteSubmission(t *testing.T, c *argos.Client, id string) (*argos.DeleteResult, error) {
	return c.DeleteSubmission(t.Context(), &argos.DeleteSubmissionRequest{SubmissionID: id})
}

func deleteFields(t *testing.T, c *argos.Client, id string) (*argos.DeleteResult, error) {
	return c.DeleteSubmissionFields(t.Context(), &argos.DeleteFieldsRequest{SubmissionID: id, Fields: []argos.PartialField{argos.PartialIDImage}})
}

func ptrTo[T any](v T) *T { return &v }
