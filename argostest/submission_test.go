package argostest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestGetSubmission(t *testing.T) {
	t.Run("one submission comes wrapped in Items", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		r := c.get("/submission", url.Values{"submission_id": {id}})
		require.Equal(t, http.StatusOK, r.Status)
		assert.Equal(t, []string{id}, ids(t, r))
		assert.NotContains(t, r.JSON(t), "nextpageKey")
	})
	t.Run("an unknown submission gives empty Items", func(t *testing.T) {
		r := newRaw(t).get("/submission", url.Values{"submission_id": {"nosuch"}})
		assert.Equal(t, http.StatusOK, r.Status)
		assert.JSONEq(t, `{"Items":[]}`, string(r.Body))
	})
	t.Run("the peeked submission is what GET shows", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		raw, ok := c.srv.Submission(id)
		require.True(t, ok)
		r := c.get("/submission", url.Values{"submission_id": {id}})
		assert.JSONEq(t, `{"Items":[`+string(raw)+`]}`, string(r.Body))
		_, ok = c.srv.Submission("nosuch")
		assert.False(t, ok)
	})
	t.Run("list items carry the short field set of the list samples", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.step2(id)
		r := c.get("/submission", nil)
		items := r.JSON(t)["Items"].([]any)
		require.Len(t, items, 1)
		assert.ElementsMatch(t, []string{"data", "email", "submission_id", "userid", "created_at", "reviewer", "kyc"}, keys(items[0]))
		assert.ElementsMatch(t, []string{"result"}, keys(path(items[0], "kyc")))
	})
}

func TestListSubmissions(t *testing.T) {
	start := time.Date(2024, 1, 30, 23, 0, 0, 0, time.UTC)
	// six submissions, 12 hours apart: Jan 30 23:00 … Feb 2 11:00.
	setup := func(t *testing.T) (*raw, []string) {
		c := newRaw(t, argostest.WithClock(steppingClock(start, 12*time.Hour)), argostest.WithSubmissionIDs(sequence("s")))
		var all []string
		for i, email := range []string{"a@x.io", "b@x.io", "a@x.io", "c@x.io", "b@x.io", "a@x.io"} {
			fields := step1Fields(email)
			fields["userid"] = "user-" + email[:1]
			if i == 1 {
				fields["customOptions"] = `{"approvePeriod":false}`
			}
			r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			all = append(all, r.JSON(t)["submissionId"].(string))
		}
		return c, all
	}
	reverse := func(s []string) []string {
		out := make([]string, len(s))
		for i, v := range s {
			out[len(s)-1-i] = v
		}
		return out
	}

	t.Run("without filters every submission is listed newest first", func(t *testing.T) {
		c, all := setup(t)
		assert.Equal(t, reverse(all), ids(t, c.get("/submission", nil)))
	})

	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"userid filters by the client's user ID", url.Values{"userid": {"user-a"}}, []string{"s0006", "s0003", "s0001"}},
		{"email filters by the applicant's email", url.Values{"email": {"b@x.io"}}, []string{"s0005", "s0002"}},
		{"email matching ignores case", url.Values{"email": {"C@X.IO"}}, []string{"s0004"}},
		{"filters combine", url.Values{"email": {"a@x.io"}, "start_date": {"20240131"}}, []string{"s0006", "s0003"}},
		{"start_date and end_date in YYYYMMDD are inclusive days", url.Values{"start_date": {"20240131"}, "end_date": {"20240201"}},
			[]string{"s0005", "s0004", "s0003", "s0002"}},
		{"start_date and end_date in YYYY-MM-DD work too", url.Values{"start_date": {"2024-01-31"}, "end_date": {"2024-01-31"}},
			[]string{"s0003", "s0002"}},
		{"an end_date before every submission lists nothing", url.Values{"end_date": {"2024-01-01"}}, []string{}},
		{"a userid nobody has lists nothing", url.Values{"userid": {"nobody"}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t)
			r := c.get("/submission", tt.query)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			assert.Equal(t, tt.want, ids(t, r))
		})
	}

	t.Run("count=1 pages through every submission with nextpageKey", func(t *testing.T) {
		c, all := setup(t)
		var got []string
		q := url.Values{"count": {"1"}}
		for page := 0; ; page++ {
			require.Less(t, page, 10, "pagination does not end")
			r := c.get("/submission", q)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			page := ids(t, r)
			require.Len(t, page, 1)
			got = append(got, page...)
			next, ok := r.JSON(t)["nextpageKey"].(map[string]any)
			if !ok {
				break
			}
			assert.Equal(t, page[0], next["id"])
			q = url.Values{"count": {"1"}, "nextpage_id": {next["id"].(string)}, "nextpage_date": {next["created_at"].(string)}}
		}
		assert.Equal(t, reverse(all), got)
	})
	t.Run("pages stay stable when submissions arrive in between", func(t *testing.T) {
		c, all := setup(t)
		r := c.get("/submission", url.Values{"count": {"4"}})
		next := r.JSON(t)["nextpageKey"].(map[string]any)
		c.step1("new@x.io")
		r = c.get("/submission", url.Values{"count": {"4"}, "nextpage_id": {next["id"].(string)}, "nextpage_date": {next["created_at"].(string)}})
		assert.Equal(t, reverse(all)[4:], ids(t, r))
		assert.NotContains(t, r.JSON(t), "nextpageKey")
	})
	t.Run("submissions created at the same moment page by ID", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(fixedClock), argostest.WithSubmissionIDs(sequence("s")))
		for _, e := range []string{"a@x.io", "b@x.io", "c@x.io"} {
			c.step1(e)
		}
		r := c.get("/submission", url.Values{"count": {"2"}})
		assert.Equal(t, []string{"s0003", "s0002"}, ids(t, r))
		next := r.JSON(t)["nextpageKey"].(map[string]any)
		assert.Equal(t, "2024-03-01T09:30:00.123Z", next["created_at"])
		r = c.get("/submission", url.Values{"count": {"2"}, "nextpage_id": {"s0002"}, "nextpage_date": {"2024-03-01T09:30:00.123Z"}})
		assert.Equal(t, []string{"s0001"}, ids(t, r))
	})
	t.Run("count defaults to 50 and is capped at 2000", func(t *testing.T) {
		c := newRaw(t)
		for i := range 51 {
			fields := step1Fields("a@x.io")
			fields["userid"] = strings.Repeat("u", i%3+1)
			c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		}
		r := c.get("/submission", nil)
		assert.Len(t, ids(t, r), 50)
		assert.Contains(t, r.JSON(t), "nextpageKey")
		assert.Len(t, ids(t, c.get("/submission", url.Values{"count": {"5000"}})), 51)
	})

	bad := []struct {
		name  string
		query url.Values
	}{
		{"a non-numeric count", url.Values{"count": {"ten"}}},
		{"a zero count", url.Values{"count": {"0"}}},
		{"nextpage_id without nextpage_date", url.Values{"nextpage_id": {"s0001"}}},
		{"nextpage_date without nextpage_id", url.Values{"nextpage_date": {"2024-01-01T00:00:00.000Z"}}},
		{"a nextpage_date that is not a timestamp", url.Values{"nextpage_id": {"s1"}, "nextpage_date": {"yesterday"}}},
		{"a start_date in another format", url.Values{"start_date": {"01/02/2024"}}},
		{"an end_date that is no date", url.Values{"end_date": {"20241341"}}},
		{"an unknown request_type", url.Values{"request_type": {"everything"}}},
	}
	for _, tt := range bad {
		t.Run(tt.name+" is an invalid query string", func(t *testing.T) {
			r := newRaw(t).get("/submission", tt.query)
			assert.Equal(t, http.StatusBadRequest, r.Status)
			assert.Equal(t, "Invalid Query String parameters", r.Message(t))
		})
	}
}

func TestRequestType(t *testing.T) {
	tests := []struct {
		requestType string
		want        []string
	}{
		{"kyc", []string{"submission_id", "kyc"}},
		{"aml", []string{"submission_id", "aml"}},
		{"data", []string{"submission_id", "data"}},
		{"others", []string{"submission_id", "email", "userid", "created_at", "updated_at", "kyc_result_at", "reviewer",
			"applicant_id", "duplicated_information", "image", "project_options"}},
	}
	for _, tt := range tests {
		t.Run("request_type "+tt.requestType+" keeps only its part", func(t *testing.T) {
			c := newRaw(t)
			id := c.step1("a@example.com")
			c.step2(id)
			for _, q := range []url.Values{{"submission_id": {id}}, {}} {
				q.Set("request_type", tt.requestType)
				r := c.get("/submission", q)
				require.Equal(t, http.StatusOK, r.Status)
				items := r.JSON(t)["Items"].([]any)
				require.Len(t, items, 1)
				assert.ElementsMatch(t, tt.want, keys(items[0]), "query %v", q)
			}
		})
	}
	t.Run("request_type kyc of a list includes the attempts", func(t *testing.T) {
		c := newRaw(t)
		c.step2(c.step1("a@example.com"))
		r := c.get("/submission", url.Values{"request_type": {"kyc"}})
		assert.Len(t, path(r.JSON(t)["Items"].([]any)[0], "kyc", "attempts"), 1)
	})
}

func TestDeleteSubmission(t *testing.T) {
	t.Run("it keeps only ID, date, ID type and result", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.step2(id)
		require.NoError(t, c.srv.SetAMLHits(id, 1))
		rid := path(c.item(id), "aml", "resourceIds").([]any)[0].(string)
		created := c.item(id)["created_at"]

		r := c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}, "admin_name": {"admin@example.com"}}, "", nil)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		assert.JSONEq(t, `{"message":"success","content":"Submission #`+id+` deleted successfully."}`, string(r.Body))

		assert.Equal(t, map[string]any{
			"data":          map[string]any{"name": "Deleted Submission", "idType": "passport"},
			"submission_id": id,
			"created_at":    created,
			"kyc":           map[string]any{"result": "approved"},
		}, c.item(id))

		for _, typ := range []string{"idImage", "selfieImage"} {
			img := c.get("/image", url.Values{"submission_id": {id}, "type": {typ}})
			assert.Equal(t, http.StatusBadRequest, img.Status, typ)
		}
		assert.Equal(t, http.StatusBadRequest, c.get("/report/aml", url.Values{"resourceId": {rid}}).Status)
		assert.JSONEq(t, `[]`, string(c.get("/submission/applicant", url.Values{"applicant_id": {"x"}}).Body))
		assert.Empty(t, ids(t, c.get("/submission", url.Values{"email": {"a@example.com"}})))
		assert.Equal(t, []string{id}, ids(t, c.get("/submission", nil)), "the marker stays in the list")
		assert.Error(t, c.srv.SetAMLHits(id, 1))
	})
	t.Run("the email of a deleted approved submission is free again", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.step2(id)
		c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}}, "", nil)
		c.step1("a@example.com")
	})
	t.Run("submissionId is accepted as the parameter name", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		r := c.do(http.MethodDelete, "/submission", url.Values{"submissionId": {id}}, "", nil)
		assert.Equal(t, http.StatusOK, r.Status)
	})
	t.Run("a deleted submission cannot go on to Step 2", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}}, "", nil)
		r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpegPart("f.jpg")})
		assert.Equal(t, "invalid submission id", r.Message(t))
	})
	t.Run("a missing submission_id gets the errorCode shape", func(t *testing.T) {
		r := newRaw(t).do(http.MethodDelete, "/submission", nil, "", nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.JSONEq(t, `{"errorCode":"not Exist Submission ID"}`, string(r.Body))
	})
	t.Run("an unknown submission gets the message and statusCode shape", func(t *testing.T) {
		r := newRaw(t).do(http.MethodDelete, "/submission", url.Values{"submission_id": {"nosuch"}}, "", nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.JSONEq(t, `{"message":"not Exist Submission Data","statusCode":400}`, string(r.Body))
	})
	t.Run("a second delete finds no data", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}}, "", nil)
		r := c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}}, "", nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "not Exist Submission Data", r.Message(t))
	})
}

func TestImage(t *testing.T) {
	c := newRaw(t)
	id := c.step1("a@example.com")
	fields := step2Fields(id)
	r := c.postMultipart("/submission/step2", fields, map[string]file{"faceImage": jpegPart("f.jpg"), "addressImage": pngPart("bill.png")})
	require.Equal(t, http.StatusOK, r.Status)

	good := []struct {
		typ, param, ct, filename string
		want                     []byte
	}{
		{"idImage", "submission_id", "image/png", "idImage.png", argostest.SamplePNG()},
		{"selfieImage", "submission_id", "image/jpeg", "selfieImage.jpg", argostest.SampleJPEG()},
		{"addressImage", "submissionId", "image/png", "addressImage.png", argostest.SamplePNG()},
	}
	for _, tt := range good {
		t.Run(tt.typ+" downloads with its content type and file name", func(t *testing.T) {
			r := c.get("/image", url.Values{tt.param: {id}, "type": {tt.typ}})
			require.Equal(t, http.StatusOK, r.Status)
			assert.Equal(t, tt.ct, r.Header.Get("Content-Type"))
			assert.Equal(t, `attachment; filename="`+tt.filename+`"`, r.Header.Get("Content-Disposition"))
			assert.Equal(t, tt.want, r.Body)
		})
	}
	bad := []struct {
		name  string
		query url.Values
		msg   string
	}{
		{"a missing type", url.Values{"submission_id": {id}}, "missing required parameters"},
		{"a missing submission_id", url.Values{"type": {"idImage"}}, "missing required parameters"},
		{"an unknown type", url.Values{"submission_id": {id}, "type": {"id_image"}}, "invalid image type"},
		{"an unknown submission", url.Values{"submission_id": {"nosuch"}, "type": {"idImage"}}, "invalid submission id"},
		{"an image the submission does not have", url.Values{"submission_id": {id}, "type": {"idBackImage"}}, "image not found"},
	}
	for _, tt := range bad {
		t.Run(tt.name+" is a bad request", func(t *testing.T) {
			r := c.get("/image", tt.query)
			assert.Equal(t, http.StatusBadRequest, r.Status)
			assert.Equal(t, tt.msg, r.Message(t))
		})
	}
}

func TestAML(t *testing.T) {
	t.Run("hits make a Red Flag with report resource IDs", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		c.step2(id)
		require.NoError(t, c.srv.SetAMLHits(id, 2))
		aml := c.item(id)["aml"]
		assert.Equal(t, "Red Flag", path(aml, "currentstatus"))
		assert.Equal(t, "HIGH", path(aml, "risk_level_summary"))
		rids, _ := path(aml, "resourceIds").([]any)
		require.Len(t, rids, 2)

		r := c.get("/report/aml", url.Values{"resourceId": {rids[1].(string)}})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		assert.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
		assert.Equal(t, `attachment; filename="report.pdf"`, r.Header.Get("Content-Disposition"))
		assert.True(t, strings.HasPrefix(string(r.Body), "%PDF-1.4\n"))
		assert.True(t, strings.HasSuffix(string(r.Body), "%%EOF\n"))
		assert.Contains(t, string(r.Body), rids[1].(string))
		assert.NotContains(t, string(r.Body), "a@example.com")
		assert.NotContains(t, string(r.Body), "John Smith")
		assertValidXref(t, r.Body)

		require.NoError(t, c.srv.SetAMLHits(id, 0))
		assert.Equal(t, map[string]any{"currentstatus": "Not Screened", "risk_level_summary": "Not Screened"}, c.item(id)["aml"])
		assert.Equal(t, http.StatusBadRequest, c.get("/report/aml", url.Values{"resourceId": {rids[0].(string)}}).Status)
	})
	t.Run("only approved submissions are screened", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("a@example.com")
		assert.Error(t, c.srv.SetAMLHits(id, 1))
		assert.Error(t, c.srv.SetAMLHits("nosuch", 1))
		c.step2(id)
		assert.Error(t, c.srv.SetAMLHits(id, -1))
	})
	t.Run("an unknown resourceId is a bad request", func(t *testing.T) {
		r := newRaw(t).get("/report/aml", url.Values{"resourceId": {"nosuch"}})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "invalid resource id", r.Message(t))
	})
	t.Run("a missing resourceId is a bad request", func(t *testing.T) {
		r := newRaw(t).get("/report/aml", nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "missing required parameters", r.Message(t))
	})
}

// assertValidXref checks that the PDF's xref offsets point at its objects.
func assertValidXref(t *testing.T, pdf []byte) {
	t.Helper()
	s := string(pdf)
	i := strings.LastIndex(s, "startxref\n")
	require.NotEqual(t, -1, i)
	xref, err := strconv.Atoi(strings.Fields(s[i+len("startxref\n"):])[0])
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s[xref:], "xref\n"))
	lines := strings.Split(s[xref:], "\n")
	for n, line := range lines[3:] {
		if !strings.HasSuffix(line, " n ") {
			break
		}
		off, err := strconv.Atoi(strings.Fields(line)[0]) // not Sscan: it reads leading zeros as octal
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(s[off:], strconv.Itoa(n+1)+" 0 obj"), "object %d", n+1)
	}
}
