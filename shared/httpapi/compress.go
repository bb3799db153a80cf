package httpapi

import (
	"compress/gzip"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressed returns h answering gzip-encoded bodies to clients that accept
// them (Accept-Encoding), as API Gateway's HTTP API does not compress for
// the function: bodies of at least gzhttp.DefaultMinSize (1 KB), at the
// fastest level (a 3 MB JSON page shrinks about tenfold either way, and
// the Lambda bills the time), with Vary: Accept-Encoding. The proxy passes
// the binary body to API Gateway base64-encoded.
func compressed(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(gzhttp.DefaultMinSize), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // the options are constants
	}
	return wrap(h)
}
