// Package console is a page that walks the FoccoLojas screens of the help
// article against the local stack: plain HTML and JavaScript (no build
// step) calling the public API and the Promob simulator's control API from
// the browser. It is served by the local stack only and never deployed.
package console

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Handler serves the page's files at its root and, at /config.json, the
// base URLs of the API and of the simulator the page calls.
func Handler(apiURL, simURL string) http.Handler {
	files, _ := fs.Sub(static, "static") // "static" is embedded above
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(files))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]string{"apiUrl": apiURL, "simUrl": simURL})
	})
	return mux
}
