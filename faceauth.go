package argos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/kycgo/argos/internal/endpoint"
)

// WithAddOnKey sets the Add-on API key (dashboard → Add-on → project → Edit
// → API Key) that FaceAuth and DownloadFaceAuthImage send instead of the project's
// key. No other call sends it, and those two refuse to run without it.
func WithAddOnKey(key string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(key) == "" {
			return &ValidationError{Field: "add-on key", Reason: "is empty"}
		}
		if strings.ContainsAny(key, "\r\n\x00") {
			return &ValidationError{Field: "add-on key", Reason: "contains control characters"}
		}
		k := secretKey(key)
		c.addOnKey = &k
		return nil
	}
}

// addOn is the client that sends the Add-on key in x-api-key: a copy of c
// differing in the key alone, so everything else (transport, retries,
// logging, redirect rules) is shared.
func (c *Client) addOn(op string) (*Client, error) {
	if c.addOnKey == nil {
		return nil, &ValidationError{Field: "add-on key", Reason: op + " needs the Add-on API key: create the client with WithAddOnKey"}
	}
	ac := *c
	ac.key = c.addOnKey
	return &ac, nil
}

// FaceAuthRequest is the multipart form of POST /faceauth. SubmissionID (an
// approved submission) and FaceImage (JPEG or PNG, 960 × 720 recommended)
// are required.
//
// Logging or printing it shows no personal data.
type FaceAuthRequest struct {
	SubmissionID string
	FaceImage    *File
	UserID       string // sent as userId (camelCase on this endpoint)
	CF1          string
	CF2          string
	CF3          string
}

// LogValue implements slog.LogValuer without the user ID or custom fields.
func (r FaceAuthRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID))
}

// Format prints a redacted summary for every verb.
func (r FaceAuthRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.FaceAuthRequest{SubmissionID:%s %s}", r.SubmissionID, redacted)
}

// FaceAuthFailCode says why a FaceAuth try was rejected
// (FaceAuthResult.FailCodes). The set is open.
type FaceAuthFailCode string

// Failure codes of FaceAuthResult.FailCodes.
const (
	FaceAuthFailFaceCompare FaceAuthFailCode = "face_compare_underscore"
	FaceAuthFailOccluded    FaceAuthFailCode = "Face_Occluded_fail"
	FaceAuthFailFaceCover   FaceAuthFailCode = "Face_cover_fail"
	FaceAuthFailHeadCover   FaceAuthFailCode = "Head_cover_fail"
)

// FaceAuthResult is the answer of POST /faceauth. Status is KYCApproved when
// the face matched the submission's, KYCRejected otherwise, with FailCodes
// and RejectedComments saying why. A score the answer leaves out is nil.
type FaceAuthResult struct {
	AuthID           string             `json:"authentication_id"` // for DownloadFaceAuthImage
	Status           KYCStatus          `json:"auth_status"`
	Scores           FaceAuthScores     `json:"score"`
	CreatedAt        string             `json:"create_time"` // UTC, as sent
	FailCodes        []FaceAuthFailCode `json:"fail_code"`
	RejectedComments []string           `json:"rejected_comment"`

	answer // Raw
}

// FaceAuthScores are the scores of a FaceAuth try.
type FaceAuthScores struct {
	FaceSimilarity *float64 `json:"face_similarity_score"`
	Occluded       *float64 `json:"occluded_score"`
	FaceCover      *float64 `json:"face_cover_score"`
	HeadCover      *float64 `json:"head_cover_score"`
}

// FaceAuth re-authenticates a returning user: Argos compares the face
// image with the selfie of an approved submission.
//
// It calls POST /faceauth (multipart, as the vendor's example sends it,
// although the page also says JSON) with the Add-on key (WithAddOnKey), a
// v3 endpoint (https://developers.argosidentity.com/add-on/en/post-faceauth);
// on a /v2 base URL it refuses before sending. Input is checked first: bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown.
func (c *Client) FaceAuth(ctx context.Context, r *FaceAuthRequest, opts ...Option) (*FaceAuthResult, error) {
	c, err := c.begin(endpoint.FaceAuth, opts)
	if err != nil {
		return nil, err
	}
	const op = "FaceAuth"
	ac := c // begin gave the client with the Add-on key
	if r == nil {
		return nil, &ValidationError{Field: "FaceAuthRequest", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	if err := checkTexts(textField{"UserID", r.UserID}, textField{"CF1", r.CF1}, textField{"CF2", r.CF2},
		textField{"CF3", r.CF3}); err != nil {
		return nil, err
	}
	fb := newFormBuilder()
	fb.text("submissionId", r.SubmissionID)
	fb.text("userId", r.UserID)
	fb.text("cf1", r.CF1)
	fb.text("cf2", r.CF2)
	fb.text("cf3", r.CF3)
	fb.file("faceImage", "FaceImage", r.FaceImage, true)
	if fb.err != nil {
		return nil, fb.err
	}
	var res FaceAuthResult
	if err := ac.doJSON(ctx, fb.call(endpoint.FaceAuth), &res, false); err != nil {
		return nil, err
	}
	if res.Status == "" {
		return nil, unexpected(op, "no auth_status field")
	}
	return &res, nil
}

// DownloadFaceAuthImage downloads the face image of a FaceAuth try. Argos answers
// with the image as Base64 text; the returned Download's Body is the
// decoded image, decoded as it streams, with ContentType image/jpeg or
// image/png and ContentLength -1. Close the Body.
//
// It calls GET /faceauth/image?authId=… with the Add-on key
// (WithAddOnKey), a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/add-on/get-faceauth_image);
// on a /v2 base URL it refuses before sending. An answer that does not
// start as the Base64 of a JPEG or PNG is an ErrUnexpectedResponse.
func (c *Client) DownloadFaceAuthImage(ctx context.Context, authID string, opts ...Option) (*Download, error) {
	c, err := c.begin(endpoint.DownloadFaceAuthImage, opts)
	if err != nil {
		return nil, err
	}
	const op = "DownloadFaceAuthImage"
	ac := c // begin gave the client with the Add-on key
	if err := checkID("auth ID", authID); err != nil {
		return nil, err
	}
	d, err := ac.download(ctx, newCall(endpoint.DownloadFaceAuthImage, query{{"authId", authID}}))
	if err != nil {
		return nil, err
	}
	return decodeBase64Download(op, d)
}

// maxBase64Prefix bounds what decodeBase64Download skips before the Base64
// text: white space, a JSON string's quote, a data: URL's header.
const maxBase64Prefix = 256

// decodeBase64Download turns a download of Base64 text into the bytes it
// encodes, streaming. The text may be bare, a JSON string or a data: URL;
// white space, quotes and JSON's escaped "\/" are skipped.
func decodeBase64Download(op string, d *Download) (*Download, error) {
	br := bufio.NewReaderSize(d.Body, 32<<10)
	head, _ := br.Peek(maxBase64Prefix)
	start := bytes.TrimLeft(head, " \t\r\n\"")
	skip := len(head) - len(start)
	if bytes.HasPrefix(start, []byte("data:")) {
		if i := bytes.IndexByte(start, ','); i >= 0 {
			skip += i + 1
		}
	}
	_, _ = br.Discard(skip)
	dec := base64.NewDecoder(base64.StdEncoding, &base64Text{r: br})
	magic := make([]byte, sniffLen)
	n, err := io.ReadFull(dec, magic)
	ct := imageType(magic[:n])
	if ct == "" {
		_ = d.Body.Close()
		reason := "the body is not the Base64 of a JPEG or PNG image"
		var corrupt base64.CorruptInputError
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &corrupt) {
			return nil, fmt.Errorf("argos: %s: reading the image: %w", op, sanitize(err))
		}
		return nil, &DecodeError{Op: op, StatusCode: http.StatusOK, ContentType: d.ContentType, Reason: reason}
	}
	return &Download{
		Body:          &readCloser{Reader: io.MultiReader(bytes.NewReader(magic[:n]), dec), Closer: d.Body},
		ContentType:   ct,
		ContentLength: -1,
		Filename:      d.Filename,
	}, nil
}

// base64Text drops what may surround or break Base64 text in an answer:
// a JSON string's quotes and escapes, line breaks and spaces. Anything else
// goes on to the decoder, which refuses what is not Base64.
type base64Text struct{ r io.Reader }

// base64Skip are the bytes base64Text drops.
const base64Skip = "\"\\\r\n\t "

func (t *base64Text) Read(p []byte) (int, error) {
	for {
		n, err := t.r.Read(p)
		k := n
		if hasAnyByte(p[:n], base64Skip) { // rare: most answers are bare Base64
			k = 0
			for _, c := range p[:n] {
				if strings.IndexByte(base64Skip, c) < 0 {
					p[k] = c
					k++
				}
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// hasAnyByte reports whether b holds one of the bytes of set, with
// bytes.IndexByte's vectorised search per byte of set.
func hasAnyByte(b []byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if bytes.IndexByte(b, set[i]) >= 0 {
			return true
		}
	}
	return false
}

type readCloser struct {
	io.Reader
	io.Closer
}
