package argos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func jsonAnswer(body string) httpmock.Responder {
	return httpmock.NewStringResponder(http.StatusOK, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

func TestSuccessBodiesWithTrailingCommasDecode(t *testing.T) {
	t.Run("a submission list", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
			jsonAnswer(`{"Items": [{"submission_id": "s1", "email": "a,]@example.com", "kyc": {"result": "approved",},},],}`))
		sub, err := c.GetSubmission(context.Background(), "s1")
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
		assert.Equal(t, "a,]@example.com", sub.Email, "a comma inside a string is kept")
	})
	t.Run("the applicant sample's bare array", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant",
			jsonAnswer(`[{"submission_id": "s1", "email": "a@example.com",}, {"submission_id": "s2",},]`))
		subs, err := c.ListApplicantSubmissions(context.Background(), "applicant-1")
		require.NoError(t, err)
		require.Len(t, subs, 2)
		assert.Equal(t, "s2", subs[1].SubmissionID)
	})
	t.Run("objects kept raw are valid JSON without the commas", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
			jsonAnswer(`{"Items": [{"submission_id": "s1", "aml": {"hits": [{"resourceId": "r1",}, {"resourceId": "r2"},],}, "review": [1, 2,],}]}`))
		sub, err := c.GetSubmission(context.Background(), "s1")
		require.NoError(t, err)
		assert.Equal(t, []string{"r1", "r2"}, sub.AMLResourceIDs())
		assert.JSONEq(t, `{"hits": [{"resourceId": "r1"}, {"resourceId": "r2"}]}`, string(sub.AML))
		assert.JSONEq(t, `[1, 2]`, string(sub.Review))
		_, err = json.Marshal(sub)
		assert.NoError(t, err, "a decoded submission encodes")
	})
	t.Run("a body malformed in another way stays an error", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(`{"Items": [{"submission_id": "s1",}`))
		_, err := c.GetSubmission(context.Background(), "s1")
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestAPageOfMoreThanMaxPageSizeItemsIsRefusedBeforeDecoding(t *testing.T) {
	for name, item := range map[string]string{"empty objects": "{}", "numbers (the lenient path)": "1"} {
		t.Run(name, func(t *testing.T) {
			body := `{"Items": [` + strings.Repeat(item+",", 174_762) + item + `]}` // 512 KiB of tiny items
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := c.ListSubmissions(context.Background(), nil)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, argos.ErrResponseTooLarge)
			assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
			// Allocation, not timing: a decoded page of 174,763 Submissions
			// allocates hundreds of MiB; refusing it costs the body's copies.
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(16<<20), "bytes allocated: %d", allocated)
		})
	}
	t.Run("a page of exactly MaxPageSize items decodes", func(t *testing.T) {
		body := `{"Items": [` + strings.Repeat(`{"submission_id": "s"},`, argos.MaxPageSize-1) + `{"submission_id": "s"}]}`
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
		page, err := c.ListSubmissions(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Items, argos.MaxPageSize)
	})
	t.Run("brackets and commas inside strings do not count", func(t *testing.T) {
		body := `{"Items": [{"submission_id": "s1", "email": "` + strings.Repeat(`[,\",`, 3000) + `"}]}`
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
		page, err := c.ListSubmissions(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Items, 1)
	})
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

func TestAPageWithOneOddValueIsDecodedLenientlyInFull(t *testing.T) {
	// The first item is well formed; the second sends its score as a
	// string and its comment as a single string. The whole page is then
	// decoded the lenient way, and the first item loses nothing.
	page := `{"Items":[
		{"submission_id":"a1","kyc":{"result":"approved","attempts":[{"attemptCnt":1,"livenessScore":91}]}},
		{"submission_id":"b2","kyc":{"result":"rejected","comment":"Too many retry","attempts":[{"attemptCnt":"2","livenessScore":"88.5"}]}}
	],"nextpageKey":{"id":"","created_at":""}}`
	l := decodePage(t, []byte(page))
	require.Len(t, l.Items, 2)
	assert.Equal(t, "a1", l.Items[0].ID)
	assert.Equal(t, argos.KYCApproved, l.Items[0].KYC.Status)
	require.Len(t, l.Items[0].KYC.Attempts, 1)
	assert.Equal(t, ptr(91), l.Items[0].KYC.Attempts[0].LivenessScore)
	assert.Equal(t, []string{"Too many retry"}, l.Items[1].KYC.Comment)
	require.Len(t, l.Items[1].KYC.Attempts, 1)
	assert.Equal(t, 2, l.Items[1].KYC.Attempts[0].Count)
	assert.Equal(t, ptr(88.5), l.Items[1].KYC.Attempts[0].LivenessScore)
	assert.Nil(t, l.Next, "an empty page key means the last page")

	strict := decodePage(t, []byte(`{"Items":[{"submission_id":"a1"}],"nextpageKey":{"id":"a1","created_at":"2026-01-01"}}`))
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

			fast, slow := decodePage(t, alone), decodePage(t, withOdd)
			require.Len(t, slow.Items, 2)
			assert.Equal(t, ptr(0.5), slow.Items[1].ArgosScore, "the odd item was decoded leniently")
			assert.EqualExportedValues(t, fast.Items[0], slow.Items[0])
			assert.JSONEq(t, string(fast.Items[0].Raw()), string(slow.Items[0].Raw()), "each keeps the item's JSON")
		})
	}
}

// rawer is every result type: it keeps the answer's JSON.
type rawer interface{ Raw() json.RawMessage }

func TestEveryResultKeepsTheAnswersJSONOutOfPrints(t *testing.T) {
	ctx := context.Background()
	jpeg := &argos.File{Body: bytes.NewReader(readImage(t, "selfie.jpg"))}
	png := func() *argos.File { return &argos.File{Body: bytes.NewReader(readImage(t, "id_front.png"))} }
	for _, tc := range []struct {
		name, fixture string
		call          func(c *argos.Client) (rawer, error)
	}{
		{"Step1Result", "step1_guide.json", func(c *argos.Client) (rawer, error) {
			return c.SubmitStep1(ctx, &argos.Step1Request{IssuingCountry: "KOR", Email: "a@example.com", IDType: argos.IDPassport, IDImage: png()})
		}},
		{"Step2Result", "step2_approved.json", func(c *argos.Client) (rawer, error) {
			return c.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: "s1", Name: "A B", DateOfBirth: "1990-01-02", FaceImage: jpeg})
		}},
		{"AddressCode", "address_code.json", func(c *argos.Client) (rawer, error) {
			return c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Sejongno, Seoul"})
		}},
		{"DeleteResult of DeleteSubmission", "delete_hash.json", func(c *argos.Client) (rawer, error) {
			return c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde"})
		}},
		{"DeleteResult of DeleteSubmissionFields", "delete_plain.json", func(c *argos.Client) (rawer, error) {
			return c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialEmail}})
		}},
		{"UpdateResult", "v3/update_success.json", func(c *argos.Client) (rawer, error) {
			return c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: "s1", Admin: "a@example.com",
				Data: argos.SubmissionUpdate{FullName: "A B"}})
		}},
		{"MigrationResult", "v3/migration_success.json", func(c *argos.Client) (rawer, error) {
			return c.MigrateSubmission(ctx, &argos.MigrationRequest{Admin: "a@example.com", Email: "b@example.com", FullName: "A B",
				DateOfBirth: "1990-01-02", Status: argos.KYCApproved})
		}},
		{"ReviewResult", "v3/review_success.json", func(c *argos.Client) (rawer, error) {
			return c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "rv7pending0001", Admin: "a@example.com", Status: argos.KYCApproved})
		}},
		{"TokensResult", "v3/tokens_post.json", func(c *argos.Client) (rawer, error) {
			return c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{"token-0001"}})
		}},
		{"AMLMonitorResult", "v3/aml_monitor.json", func(c *argos.Client) (rawer, error) {
			return c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "w", Admin: "a@example.com",
				SubmissionIDs: []string{"SUBMISSION_ID_00A", "SUBMISSION_ID_01B", "SUBMISSION_ID_02C"}})
		}},
		{"AMLMonitorRecord", "v3/aml_record.json", func(c *argos.Client) (rawer, error) {
			return c.GetAMLMonitorRecord(ctx, "w", "RECORD_ID_00A")
		}},
		{"FaceAuthResult", "v3/faceauth.json", func(c *argos.Client) (rawer, error) {
			return c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: jpeg})
		}},
	} {
		t.Run(tc.name+" keeps the answer's JSON and prints none of it", func(t *testing.T) {
			c, _ := v3JSON(t, tc.fixture, argos.WithAddOnKey(testAddOnKey))
			res, err := tc.call(c)
			require.NoError(t, err)
			raw := res.Raw()
			assert.JSONEq(t, string(fixture(t, tc.fixture)), string(raw))
			assertRawHidden(t, res, raw)
		})
	}
}

// assertRawHidden checks that no print or log of the result res, as a
// pointer or a value, shows its raw JSON.
func assertRawHidden(t *testing.T, res any, raw json.RawMessage) {
	t.Helper()
	value := reflect.ValueOf(res).Elem().Interface()
	outputs := map[string]string{}
	for _, v := range []any{res, value} {
		for how, s := range printedForms(v) {
			outputs[fmt.Sprintf("%T %s", v, how)] = s
		}
		for how, s := range loggedForms(v) {
			outputs[fmt.Sprintf("%T %s", v, how)] = s
		}
	}
	assertHidden(t, outputs, string(raw), fmt.Sprintf("%x", raw)[:32], fmt.Sprint([]byte(raw))[:32]) //nolint:staticcheck // the byte-list form ([123 34 …]) is what is checked
}

func TestEverySubmissionKeepsItsItemsJSON(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"submission_list_guide.json", "submission_list_developers.json", "submission_variants.json"} {
		t.Run("each item of "+name+" keeps its own JSON", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, http.StatusOK, name))
			list, err := c.ListSubmissions(ctx, nil)
			require.NoError(t, err)
			require.NotEmpty(t, list.Items)
			var page struct{ Items []json.RawMessage }
			require.NoError(t, json.Unmarshal(fixture(t, name), &page))
			require.Len(t, page.Items, len(list.Items))
			for i := range list.Items {
				assert.JSONEq(t, string(page.Items[i]), string(list.Items[i].Raw()), "item %d", i)
				assertRawHidden(t, &list.Items[i], list.Items[i].Raw())
			}
		})
	}
	t.Run("GetSubmission's submission keeps the item's JSON", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, http.StatusOK, "submission_single_guide.json"))
		sub, err := c.GetSubmission(ctx, "gt7rcxx9l1o*****")
		require.NoError(t, err)
		var page struct{ Items []json.RawMessage }
		require.NoError(t, json.Unmarshal(fixture(t, "submission_single_guide.json"), &page))
		assert.JSONEq(t, string(page.Items[0]), string(sub.Raw()))
	})
	t.Run("a value the client did not decode has no JSON", func(t *testing.T) {
		assert.Nil(t, (&argos.Submission{ID: "s1"}).Raw())
	})
}

func TestStringsKeptFromAPageDoNotKeepThePage(t *testing.T) {
	// A caller that keeps the IDs (and the page key) of every page it reads,
	// as the CLI's purge does, holds those strings, not each page's answer.
	item := `{"submission_id": "s%04d", "email": "a%04d@example.com", "memo": {"text": "` + strings.Repeat("x", 4000) + `"}},`
	var b strings.Builder
	b.WriteString(`{"Items": [`)
	for i := range 500 {
		fmt.Fprintf(&b, item, i, i)
	}
	b.WriteString(`{"submission_id": "last"}], "nextpageKey": {"id": "last", "created_at": "2024-01-01T00:00:00.000Z"}}`)
	body := b.String() // 2 MB
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonAnswer(body))
	page, err := c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err)
	require.NotNil(t, page.Next)
	kept := []string{page.Next.ID, page.Next.CreatedAt}
	for i := range page.Items {
		kept = append(kept, page.Items[i].ID, page.Items[i].Email)
	}
	page = nil
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	clear(kept) // the strings go, the list stays
	runtime.GC()
	runtime.ReadMemStats(&without)
	held := int64(with.HeapAlloc) - int64(without.HeapAlloc)
	assert.Less(t, held, int64(len(body)/8), "bytes held by %d short strings", len(kept))
}
