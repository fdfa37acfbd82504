package argos_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestGetSubmissionDecodesTheGuideSample(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponderWithQuery(http.MethodGet, mockBase+"/submission", "submission_id=gt7rcxx9l1o%2A%2A%2A%2A%2A",
		jsonResponder(t, 200, "submission_single_guide.json"))

	sub, err := c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
	require.NoError(t, err)

	assert.Equal(t, "gt7rcxx9l1o*****", sub.ID)
	assert.Equal(t, "test@gmail.com", sub.Email)
	assert.Equal(t, "test1", sub.UserID)
	assert.Equal(t, "홍길동", sub.Data.Name)
	assert.Equal(t, argos.GenderMale, sub.Data.Gender)
	assert.Equal(t, "KOR", sub.Data.Nationality)
	assert.Equal(t, "1998-11-12", sub.Data.DateOfBirth)
	assert.Equal(t, argos.IDGovernmentID, sub.Data.IDType)
	assert.Equal(t, "KOR", sub.Data.IssuingCountry)
	assert.Equal(t, "2016-08-16", sub.Data.IssueDate)
	assert.Equal(t, "981112-1******", sub.Data.IdentityNumber)
	assert.Equal(t, "test", sub.Data.CF1)
	assert.Equal(t, argos.KYCRejected, sub.KYC.Result)
	assert.Equal(t, []string{"too_many_retry"}, sub.KYC.CommentCode)
	require.Len(t, sub.KYC.Attempts, 3)

	a1, a2, a3 := sub.KYC.Attempts[0], sub.KYC.Attempts[1], sub.KYC.Attempts[2]
	assert.Equal(t, 1, a1.Count)
	assert.Equal(t, ptr(91), a1.LivenessScore)
	assert.Equal(t, ptr(99), a1.FaceSimilarityScore)
	assert.Equal(t, "fail", a1.VerificationResult)
	assert.Equal(t, "2016-08-15", a1.VerificationParams.IssueDate)
	assert.Nil(t, a2.FaceSimilarityScore, "attempt 2 has no face score: absent, not 0")
	assert.Equal(t, ptr(98), a2.LivenessScore)
	assert.Nil(t, a3.LivenessScore, "attempt 3 has no liveness score")
	assert.Equal(t, "success", a3.VerificationResult)
	assert.Contains(t, a3.RetryMsg, "Liveness check failed")

	created, err := sub.Created()
	require.NoError(t, err)
	assert.Equal(t, 2022, created.Year())
}

func TestGetSubmissionDecodesEveryDocumentedField(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_single_developers.json"))

	sub, err := c.GetSubmission(context.Background(), "{submission_id}")
	require.NoError(t, err)

	var raw struct {
		Items []map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(fixture(t, "submission_single_developers.json"), &raw))
	item := raw.Items[0]

	assert.Equal(t, "Ji Sung", sub.Data.FirstName)
	assert.Equal(t, "Park", sub.Data.LastName)
	assert.Equal(t, "Ji Sung Park", sub.Data.FullName)
	assert.Equal(t, "N/A", sub.Data.AgeGroup)
	assert.NotEmpty(t, sub.DuplicatedInformation)
	assert.NotEmpty(t, sub.UpdatedAt)
	assert.NotEmpty(t, sub.KYCResultAt)
	assert.Equal(t, "system", sub.Reviewer)
	assert.Nil(t, sub.RecognitionScore, "a placeholder string is not a score")
	assert.NotEmpty(t, sub.Images.IDImage)
	assert.NotEmpty(t, sub.Images.SelfieImage)
	assert.JSONEq(t, string(item["project_options"]), string(sub.ProjectOptions))
	assert.JSONEq(t, string(item["OCR_raw"]), string(sub.OCRRaw))
	assert.JSONEq(t, string(item["verification"]), string(sub.Verification))
	assert.NotEmpty(t, sub.OCR.FullName)
	require.NotNil(t, sub.Memo)
	assert.NotEmpty(t, sub.Memo.Text)
}

func TestGetSubmissionWithNoItemIsNotFound(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_empty.json"))

	_, err := c.GetSubmission(context.Background(), "nope")
	require.ErrorIs(t, err, argos.ErrNotFound)
}

func TestDecodingIsLenient(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_variants.json"))

	list, err := c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err, "quoted numbers, nulls, odd timestamps and unknown fields must not fail a response")
	require.Len(t, list.Items, 3)

	var raw struct{ Items []map[string]any }
	require.NoError(t, json.Unmarshal(fixture(t, "submission_variants.json"), &raw))
	for i, item := range list.Items {
		t.Run("item "+item.ID+" keeps what was sent", func(t *testing.T) {
			assert.Equal(t, raw.Items[i]["submission_id"], item.ID)
			for j, a := range item.KYC.Attempts {
				rawAttempt := raw.Items[i]["kyc"].(map[string]any)["attempts"].([]any)[j].(map[string]any)
				assertScore(t, rawAttempt["livenessScore"], a.LivenessScore)
				assertScore(t, rawAttempt["faceSimilarityScore"], a.FaceSimilarityScore)
			}
		})
	}
	ids := list.Items[0].AMLResourceIDs()
	ids = append(ids, list.Items[1].AMLResourceIDs()...)
	ids = append(ids, list.Items[2].AMLResourceIDs()...)
	assert.NotEmpty(t, ids, "the aml object's resourceIds are found")
}

// assertScore checks that a raw JSON score decoded to the right pointer:
// absent or null → nil, a number or quoted number → that value.
func assertScore(t *testing.T, raw any, got *float64) {
	t.Helper()
	switch v := raw.(type) {
	case nil:
		assert.Nil(t, got)
	case float64:
		require.NotNil(t, got)
		assert.InDelta(t, v, *got, 1e-9)
	case string:
		var f float64
		if err := json.Unmarshal([]byte(v), &f); err != nil {
			assert.Nil(t, got, "a non-numeric string is no score")
			return
		}
		require.NotNil(t, got, "a quoted number is a score")
		assert.InDelta(t, f, *got, 1e-9)
	}
}

func TestListSubmissionsSendsEveryFilter(t *testing.T) {
	tests := []struct {
		name   string
		params *argos.ListSubmissionsParams
		want   url.Values
	}{
		{"no params lists everything", nil, url.Values{}},
		{"zero params lists everything", &argos.ListSubmissionsParams{}, url.Values{}},
		{"every filter is sent under its wire name", &argos.ListSubmissionsParams{
			UserID: "user 1", Email: "a+b@example.com", Count: 20, StartDate: "2024-01-01", EndDate: "20240131",
			RequestType: argos.RequestKYC, Next: &argos.PageKey{ID: "abc", CreatedAt: "2024-01-02T00:00:00.000Z"},
		}, url.Values{
			"userid": {"user 1"}, "email": {"a+b@example.com"}, "count": {"20"}, "start_date": {"2024-01-01"},
			"end_date": {"20240131"}, "request_type": {"kyc"}, "nextpage_id": {"abc"}, "nextpage_date": {"2024-01-02T00:00:00.000Z"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			var got url.Values
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
				got = r.URL.Query()
				return jsonResponder(t, 200, "submission_list_guide.json")(r)
			})
			list, err := c.ListSubmissions(context.Background(), tc.params)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			require.Len(t, list.Items, 2)
			assert.Equal(t, argos.KYCApproved, list.Items[0].KYC.Result)
			assert.Nil(t, list.Next)
		})
	}
}

func TestListSubmissionsRefusesBadParams(t *testing.T) {
	tests := []struct {
		name   string
		params argos.ListSubmissionsParams
		field  string
	}{
		{"a negative count", argos.ListSubmissionsParams{Count: -1}, "Count"},
		{"a count above the maximum", argos.ListSubmissionsParams{Count: 2001}, "Count"},
		{"a start date in another format", argos.ListSubmissionsParams{StartDate: "01/02/2024"}, "StartDate"},
		{"an impossible end date", argos.ListSubmissionsParams{EndDate: "2024-02-31"}, "EndDate"},
		{"a page key without its date", argos.ListSubmissionsParams{Next: &argos.PageKey{ID: "x"}}, "Next"},
		{"a user ID with a newline", argos.ListSubmissionsParams{UserID: "a\nb"}, "userid"},
	}
	for _, tc := range tests {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			_, err := c.ListSubmissions(context.Background(), &tc.params)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, argos.ErrValidation)
			assert.Zero(t, mt.GetTotalCallCount(), "bad input costs no round trip")
		})
	}
}

func TestAllSubmissionsFollowsThePageKey(t *testing.T) {
	c, mt := newMockClient(t)
	var queries []url.Values
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.Query())
		if r.URL.Query().Get("nextpage_id") == "" {
			return jsonResponder(t, 200, "submission_list_page1.json")(r)
		}
		return jsonResponder(t, 200, "submission_list_page2.json")(r)
	})
	params := &argos.ListSubmissionsParams{UserID: "u1", Count: 2}
	before := *params

	var ids []string
	for sub, err := range c.AllSubmissions(context.Background(), params) {
		require.NoError(t, err)
		ids = append(ids, sub.ID)
	}

	assert.Len(t, ids, 3)
	require.Len(t, queries, 2)
	var page1 argos.SubmissionList
	require.NoError(t, json.Unmarshal(fixture(t, "submission_list_page1.json"), &page1))
	require.NotNil(t, page1.Next)
	assert.Equal(t, page1.Next.ID, queries[1].Get("nextpage_id"))
	assert.Equal(t, page1.Next.CreatedAt, queries[1].Get("nextpage_date"))
	assert.Equal(t, "u1", queries[1].Get("userid"), "filters are kept on every page")
	assert.Equal(t, before, *params, "the caller's params are not changed")
}

func TestAllSubmissionsEndsWhenTheCursorDoesNotAdvance(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_list_page1.json"))

	var n int
	var last error
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		if err != nil {
			last = err
			assert.Nil(t, sub)
			break
		}
		n++
	}
	require.ErrorIs(t, last, argos.ErrPaginationStalled)
	assert.Equal(t, 4, n, "two pages were read before the repeat was noticed")
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestAllSubmissionsStopsWhenTheLoopBreaks(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_list_page1.json"))
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		require.NoError(t, err)
		require.NotNil(t, sub)
		break
	}
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestAllSubmissionsYieldsTheFirstError(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(403, `{"message":"Forbidden"}`))
	var errs []error
	for sub, err := range c.AllSubmissions(context.Background(), nil) {
		assert.Nil(t, sub)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], argos.ErrForbidden)
}

func TestDeleteSubmissionAcceptsEveryDocumentedAnswer(t *testing.T) {
	for _, name := range []string{"delete_hash.json", "delete_plain.json", "delete_statuscode.json"} {
		t.Run(name+" decodes", func(t *testing.T) {
			c, mt := newMockClient(t)
			var q url.Values
			mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
				q = r.URL.Query()
				return jsonResponder(t, 200, name)(r)
			})
			res, err := c.DeleteSubmission(context.Background(), "gt7rcxx9l1oabcde")
			require.NoError(t, err)
			assert.Equal(t, "success", res.Message)
			assert.Contains(t, res.Content, "gt7rcxx9l1oabcde")
			assert.Equal(t, url.Values{"submission_id": {"gt7rcxx9l1oabcde"}}, q)
		})
	}
}

func TestDeleteSubmissionAsNamesTheAdmin(t *testing.T) {
	c, mt := newMockClient(t)
	var q url.Values
	mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		q = r.URL.Query()
		return jsonResponder(t, 200, "delete_statuscode.json")(r)
	})
	res, err := c.DeleteSubmissionAs(context.Background(), "gt7rcxx9l1oabcde", "admin@example.com")
	require.NoError(t, err)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "admin@example.com", q.Get("admin_name"))
}

func TestDeleteErrorsAreTyped(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		notFound bool
	}{
		{"the newer shape for a missing ID", string(fixture(t, "errors/message_statuscode.json")), false},
		{"the older shape for a missing ID", string(fixture(t, "errors/errorcode_only.json")), false},
		{"an unknown submission", `{"message":"not Exist Submission Data","statusCode":400}`, true},
		{"an unknown submission in the older shape", `{"errorCode":"not Exist Submission Data"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is a 400 APIError", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", httpmock.NewStringResponder(400, tc.body))
			_, err := c.DeleteSubmission(context.Background(), "gt7rcxx9l1oabcde")
			var apiErr *argos.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 400, apiErr.StatusCode)
			assert.ErrorIs(t, err, argos.ErrBadRequest)
			assert.Equal(t, tc.notFound, errors.Is(err, argos.ErrNotFound))
			assert.Equal(t, 1, apiErr.Attempts, "a 400 is not retried")
		})
	}
}

func TestApplicantSubmissionsDecodesTheBareArray(t *testing.T) {
	for _, name := range []string{"applicant.json", "applicant_old.json"} {
		t.Run(name+" decodes", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponderWithQuery(http.MethodGet, mockBase+"/submission/applicant", "applicant_id=app1", jsonResponder(t, 200, name))
			subs, err := c.ApplicantSubmissions(context.Background(), "app1")
			require.NoError(t, err)
			require.Len(t, subs, 3)
			assert.Equal(t, "{submission_id1}", subs[0].SubmissionID)
			assert.Equal(t, "{email3}", subs[2].Email)
			assert.Equal(t, name == "applicant.json", subs[0].DuplicatedInformation != "")
		})
	}
}

func TestApplicantSubmissionsRefusesAnObject(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", jsonResponder(t, 200, "submission_empty.json"))
	_, err := c.ApplicantSubmissions(context.Background(), "app1")
	var de *argos.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
}

func TestAddressCodeSendsAFormAndDecodes(t *testing.T) {
	c, mt := newMockClient(t)
	var form url.Values
	var contentType string
	mt.RegisterResponder(http.MethodPost, mockBase+"/address_code", func(r *http.Request) (*http.Response, error) {
		contentType = r.Header.Get("Content-Type")
		require.NoError(t, r.ParseForm())
		form = r.PostForm
		return jsonResponder(t, 200, "address_code.json")(r)
	})
	addr, err := c.AddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul, South Korea", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", contentType)
	assert.Equal(t, url.Values{"address": {"1 Sejongno, Jongno-gu, Seoul, South Korea"}, "language": {"en"}}, form)
	assert.Equal(t, &argos.AddressCode{FormattedAddress: "1 Sejongno, Jongno-gu, Seoul, South Korea",
		CompoundCode: "HXPG+MP Seoul, South Korea", GlobalCode: "8Q98HXPG+MP"}, addr)

	var s2 argos.Step2Request
	s2.SetAddress(addr)
	assert.Equal(t, addr.GlobalCode, s2.GlobalCode)
	assert.Equal(t, addr.CompoundCode, s2.CompoundCode)
	assert.Equal(t, addr.FormattedAddress, s2.FormattedAddress)
}

func TestAddressCodeNeedsAnAddress(t *testing.T) {
	c, mt := newMockClient(t)
	for _, r := range []*argos.AddressCodeRequest{nil, {}, {Address: "  "}} {
		_, err := c.AddressCode(context.Background(), r)
		assert.ErrorIs(t, err, argos.ErrValidation)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestApplicantSubmissionsRefusesAnArrayOfAnotherShape(t *testing.T) {
	for _, body := range []string{`[1,2,3]`, `[{"Items":[]}]`, `[null]`} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.NewStringResponder(200, body))
		_, err := c.ApplicantSubmissions(context.Background(), "app1")
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse, body)
	}
}

func TestAPageWithOneOddValueIsDecodedLenientlyInFull(t *testing.T) {
	// The first item is well formed; the second sends its score as a
	// string and its comment as a single string. The whole page is then
	// decoded the lenient way, and the first item loses nothing.
	page := `{"Items":[
		{"submission_id":"a1","kyc":{"result":"approved","attempts":[{"attemptCnt":1,"livenessScore":91}]}},
		{"submission_id":"b2","kyc":{"result":"rejected","comment":"Too many retry","attempts":[{"attemptCnt":"2","livenessScore":"88.5"}]}}
	],"nextpageKey":{"id":"","created_at":""}}`
	var l argos.SubmissionList
	require.NoError(t, json.Unmarshal([]byte(page), &l))
	require.Len(t, l.Items, 2)
	assert.Equal(t, "a1", l.Items[0].ID)
	assert.Equal(t, argos.KYCApproved, l.Items[0].KYC.Result)
	require.Len(t, l.Items[0].KYC.Attempts, 1)
	assert.Equal(t, ptr(91), l.Items[0].KYC.Attempts[0].LivenessScore)
	assert.Equal(t, []string{"Too many retry"}, l.Items[1].KYC.Comment)
	require.Len(t, l.Items[1].KYC.Attempts, 1)
	assert.Equal(t, 2, l.Items[1].KYC.Attempts[0].Count)
	assert.Equal(t, ptr(88.5), l.Items[1].KYC.Attempts[0].LivenessScore)
	assert.Nil(t, l.Next, "an empty page key means the last page")

	var strict argos.SubmissionList
	require.NoError(t, json.Unmarshal([]byte(`{"Items":[{"submission_id":"a1"}],"nextpageKey":{"id":"a1","created_at":"2026-01-01"}}`), &strict))
	assert.Equal(t, &argos.PageKey{ID: "a1", CreatedAt: "2026-01-01"}, strict.Next)
}

func TestBothDecodingPathsGiveTheSameSubmission(t *testing.T) {
	// A page is decoded in one pass unless some value has an unexpected
	// type; then the whole page is decoded again with the lenient types. An
	// item must come out the same either way.
	for _, name := range []string{"submission_single_guide.json", "submission_single_developers.json",
		"submission_single_gitbook.json", "submission_list_guide.json", "submission_list_developers.json"} {
		t.Run(name, func(t *testing.T) {
			var page map[string]any
			require.NoError(t, json.Unmarshal(fixture(t, name), &page))
			items, ok := page["Items"].([]any)
			require.True(t, ok)
			item := items[0].(map[string]any)
			kyc, _ := item["kyc"].(map[string]any)
			if kyc != nil {
				kyc["comment"] = []any{"x", nil} // a null in a list: "" on both paths
			}
			alone, err := json.Marshal(map[string]any{"Items": []any{item}})
			require.NoError(t, err)
			withOdd, err := json.Marshal(map[string]any{"Items": []any{item, map[string]any{"submission_id": "odd", "argos_score": "0.5"}}})
			require.NoError(t, err)

			var fast, slow argos.SubmissionList
			require.NoError(t, json.Unmarshal(alone, &fast))
			require.NoError(t, json.Unmarshal(withOdd, &slow))
			require.Len(t, slow.Items, 2)
			assert.Equal(t, ptr(0.5), slow.Items[1].ArgosScore, "the odd item was decoded leniently")
			assert.Equal(t, fast.Items[0], slow.Items[0])
		})
	}
}
