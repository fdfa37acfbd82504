// Command backend is a small net/http backend that runs KYC for its users
// through the argos SDK. It shows how to
//
//   - stream a browser's multipart upload straight into argos.File, so the
//     image is never held in memory or on disk;
//   - pass each request's context to the SDK, so a client that goes away
//     cancels the call to Argos;
//   - map SDK errors to HTTP statuses: bad input (argos.ErrValidation) → 400,
//     an unknown submission (argos.ErrNotFound) → 404, a Step 1 or Step 2
//     whose outcome is unknown (argos.ErrOutcomeUnknown) → 202 "check later",
//     anything else → 502;
//   - log with log/slog through the SDK's redacting LogValuers, so requests
//     and submissions log without personal data.
//
// Endpoints:
//
//	GET  /                 a test page with the two upload forms
//	POST /kyc/start        multipart: email, country, idType, then the idImage file
//	                       → SubmitStep1; answers {"submission_id", "ocr": {…}} for the applicant to review
//	POST /kyc/selfie       multipart: submission_id, name, date_of_birth [, gender, nationality], then faceImage
//	                       → SubmitStep2; answers {"submission_id", "status", "retry", "retries_left", "can_retry"}
//	GET  /kyc/status?submission_id=…
//	                       → GetSubmission; answers {"submission_id", "status"} and nothing else
//
// Text fields must come before the file in the form (browsers send fields in
// the order of the form), because the file is forwarded while it arrives.
//
// Run it from the module root:
//
//	go run ./examples/backend
//
// and open http://127.0.0.1:8080/. Without ARGOS_API_KEY it talks to
// argostest's fake Argos server, started in-process; with ARGOS_API_KEY (and
// ARGOS_BASE_URL optionally) to the real API. ADDR changes the listen address.
//
// The example has no authentication. A real backend takes the user from its
// session, sends their ID as Step1Request.UserID, and checks that a
// submission ID it is given belongs to that user.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/examples/internal/demo"
)

func main() {
	demo.Main("backend", func(ctx context.Context, _ io.Writer, env func(string) string) error {
		return run(ctx, env, os.Stderr)
	})
}

// run serves the backend until ctx ends.
func run(ctx context.Context, env func(string) string, logOut io.Writer) error {
	logger := slog.New(slog.NewTextHandler(logOut, nil))

	// The SDK logs method, path, status, attempt and duration at debug level.
	conn, err := demo.Connect(env, demo.Options{Client: []argos.Option{argos.WithLogger(logger)}})
	if err != nil {
		return err
	}
	defer conn.Close()
	client := conn.Client

	addr := env("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	server := &http.Server{
		Handler:           NewHandler(client, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "argos", conn.Where(), "argos_base_url", client.BaseURL())

	errc := make(chan error, 1)
	go func() { errc <- server.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logger.Info("shutting down")
	return server.Shutdown(shutdownCtx)
}

// Upload limits. Argos takes images up to argos.MaxImageSize (2 MB); the SDK
// refuses bigger ones while streaming. The form around it is small.
const (
	maxUpload   = argos.MaxImageSize + 64<<10
	maxFieldLen = 1 << 10
)

// Handler serves the backend's KYC endpoints. Create it with NewHandler.
type Handler struct {
	client *argos.Client
	log    *slog.Logger
	mux    *http.ServeMux
}

// NewHandler returns the backend's handler, which calls Argos through client
// and logs to logger.
func NewHandler(client *argos.Client, logger *slog.Logger) *Handler {
	h := &Handler{client: client, log: logger, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.page)
	h.mux.HandleFunc("POST /kyc/start", h.start)
	h.mux.HandleFunc("POST /kyc/selfie", h.selfie)
	h.mux.HandleFunc("GET /kyc/status", h.status)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// ocrJSON is the OCR result sent back for the applicant to review. It is the
// applicant's own data, going back to the applicant; it is never logged.
type ocrJSON struct {
	Name        string `json:"name"`
	BirthDate   string `json:"birth_date"`
	Gender      string `json:"gender"`
	Nationality string `json:"nationality"`
	IssueDate   string `json:"issue_date,omitempty"`
	ExpireDate  string `json:"expire_date,omitempty"`
}

type retryJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type startResponse struct {
	SubmissionID string          `json:"submission_id"`
	OCR          ocrJSON         `json:"ocr"`
	Status       argos.KYCStatus `json:"status,omitempty"` // set when Step 1 must be retried
	Retry        []retryJSON     `json:"retry,omitempty"`
}

type selfieResponse struct {
	SubmissionID string          `json:"submission_id"`
	Status       argos.KYCStatus `json:"status"`
	Retry        []retryJSON     `json:"retry,omitempty"`
	RetriesLeft  int             `json:"retries_left"`
	CanRetry     bool            `json:"can_retry"`
}

type statusResponse struct {
	SubmissionID string          `json:"submission_id"`
	Status       argos.KYCStatus `json:"status"`
}

// start handles POST /kyc/start: Step 1 with the uploaded ID image.
func (h *Handler) start(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, file, err := readUpload(w, r, "idImage", "email", "country", "idType")
	if err != nil {
		h.fail(w, r, "step 1", err)
		return
	}
	req := &argos.Step1Request{
		Email:          form["email"],
		IssuingCountry: form["country"],
		IDType:         argos.IDType(form["idType"]),
		// The part streams from the browser's connection through the SDK to
		// Argos. Name and ContentType are left to the SDK: the browser's
		// file name may carry personal data, and the SDK detects JPEG or PNG
		// from the bytes.
		IDImage: &argos.File{Body: file},
	}
	res, err := h.client.SubmitStep1(ctx, req)
	if err != nil {
		h.fail(w, r, "step 1", err, slog.Any("request", req))
		return
	}
	// req and the response's OCR data log as [REDACTED] by themselves.
	h.log.InfoContext(ctx, "kyc step 1", slog.Any("request", req), slog.String("submission_id", res.SubmissionID),
		slog.Any("ocr", res.ReviewOCRData), slog.Bool("needs_retry", res.CanRetry()))

	o := res.ReviewOCRData
	out := startResponse{
		SubmissionID: res.SubmissionID,
		OCR: ocrJSON{Name: o.Name, BirthDate: o.DateOfBirth, Gender: o.Gender, Nationality: o.Nationality,
			IssueDate: o.DateOfIssue, ExpireDate: o.DateOfExpiry},
		Retry: retries(res.Retry),
	}
	if res.CanRetry() || res.Status == argos.KYCRejected {
		out.Status = res.Status
	}
	writeJSON(w, http.StatusOK, out)
}

// selfie handles POST /kyc/selfie: Step 2 with the uploaded selfie and the
// data the applicant confirmed.
func (h *Handler) selfie(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, file, err := readUpload(w, r, "faceImage", "submission_id", "name", "date_of_birth")
	if err != nil {
		h.fail(w, r, "step 2", err)
		return
	}
	req := &argos.Step2Request{
		SubmissionID: form["submission_id"],
		Name:         form["name"],
		DateOfBirth:  form["date_of_birth"],
		Gender:       argos.Gender(form["gender"]),
		Nationality:  form["nationality"],
		FaceImage:    &argos.File{Body: file},
	}
	res, err := h.client.SubmitStep2(ctx, req)
	if err != nil {
		h.fail(w, r, "step 2", err, slog.Any("request", req))
		return
	}
	h.log.InfoContext(ctx, "kyc step 2", slog.Any("request", req), slog.String("kyc_status", string(res.Status)),
		slog.Int("retry_count", res.RetryCount), slog.Bool("can_retry", res.CanRetry()))
	writeJSON(w, http.StatusOK, selfieResponse{
		SubmissionID: req.SubmissionID,
		Status:       res.Status,
		Retry:        retries(res.Retry),
		RetriesLeft:  res.RetriesLeft(),
		CanRetry:     res.CanRetry(),
	})
}

// status handles GET /kyc/status: the KYC status of one submission, without
// any of its personal data.
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub, err := h.client.GetSubmission(ctx, r.URL.Query().Get("submission_id"))
	if err != nil {
		h.fail(w, r, "status", err)
		return
	}
	// A Submission logs as its ID, status, attempt count and creation time.
	h.log.InfoContext(ctx, "kyc status", slog.Any("submission", sub))
	writeJSON(w, http.StatusOK, statusResponse{SubmissionID: sub.ID, Status: sub.KYC.Status})
}

func retries(rs []argos.RetryReason) []retryJSON {
	var out []retryJSON
	for _, r := range rs {
		out = append(out, retryJSON{Code: string(r.Code), Message: r.Message})
	}
	return out
}

// uploadError is a problem with the browser's form, answered with its status
// and message.
type uploadError struct {
	status int
	msg    string
}

func (e *uploadError) Error() string { return e.msg }

// readUpload reads the text fields of a multipart form up to the part named
// fileField and returns them with that part, unread, to be streamed on. The
// fields in required must come before the file.
func readUpload(w http.ResponseWriter, r *http.Request, fileField string, required ...string) (map[string]string, *multipart.Part, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, &uploadError{http.StatusBadRequest, "expected a multipart/form-data upload"}
	}
	form := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, nil, &uploadError{http.StatusBadRequest, "the form has no " + fileField + " file"}
		}
		if err != nil {
			return nil, nil, uploadReadError(err)
		}
		name := part.FormName()
		if name == fileField {
			for _, f := range required {
				if form[f] == "" {
					return nil, nil, &uploadError{http.StatusBadRequest,
						fmt.Sprintf("the form must have a %s field before the %s file", f, fileField)}
				}
			}
			return form, part, nil
		}
		if part.FileName() != "" {
			return nil, nil, &uploadError{http.StatusBadRequest, "unexpected file field " + fmt.Sprintf("%q", name)}
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldLen+1))
		if err != nil {
			return nil, nil, uploadReadError(err)
		}
		if len(v) > maxFieldLen {
			return nil, nil, &uploadError{http.StatusBadRequest, fmt.Sprintf("field %q is too long", name)}
		}
		form[name] = string(v)
	}
}

func uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &uploadError{http.StatusRequestEntityTooLarge, "the upload is larger than 2 MB"}
	}
	return &uploadError{http.StatusBadRequest, "the upload could not be read"}
}

// fail answers with the HTTP status that fits err and logs it. The messages
// sent to the browser are fixed texts or the SDK's validation messages, which
// name the field and the rule, never a value.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, op string, err error, attrs ...slog.Attr) {
	status, msg := http.StatusBadGateway, "the identity check service failed; please try again later"
	var (
		upload  *uploadError
		invalid *argos.ValidationError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &upload):
		status, msg = upload.status, upload.msg
	case errors.As(err, &tooBig):
		status, msg = http.StatusRequestEntityTooLarge, "the upload is larger than 2 MB"
	case errors.As(err, &invalid):
		// Bad input: nothing reached Argos, or the SDK stopped an image that
		// turned out to be too large while it streamed.
		status, msg = http.StatusBadRequest, invalid.Error()
	case errors.Is(err, argos.ErrOutcomeUnknown):
		// Argos may have processed the request; sending it again could
		// create a second submission or use up a try. Find out first.
		status, msg = http.StatusAccepted, "the request was sent but its outcome is unknown; check later"
	case errors.Is(err, argos.ErrNotFound):
		status, msg = http.StatusNotFound, "no such submission"
	}
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	if r.Context().Err() != nil {
		level = slog.LevelInfo // the browser went away; the SDK call was cancelled with it
	}
	// SDK errors never contain the API key or applicant data.
	attrs = append(attrs, slog.String("op", op), slog.Int("status", status), slog.Any("error", err))
	h.log.LogAttrs(r.Context(), level, "kyc request failed", attrs...)
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

//go:embed page.html
var page []byte

// page serves a test page with the two upload forms.
func (h *Handler) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}
