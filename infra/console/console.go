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
	"strings"
)

//go:embed static
var static embed.FS

// TokenFunc signs a local access token for a store's user with roles.
type TokenFunc func(storeID, userID string, roles []string) (string, error)

// Handler serves the page's files at its root; at /config.json the base
// URLs of the API and of the simulator the page calls; at /token?store=
// &user=&roles=a,b a local access token, so that a person can act as any
// user of any store.
func Handler(apiURL, simURL string, token TokenFunc) http.Handler {
	files, _ := fs.Sub(static, "static") // "static" is embedded above
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(files))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"apiUrl": apiURL, "simUrl": simURL})
	})
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		store, user := q.Get("store"), q.Get("user")
		if store == "" || user == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "store and user are required"})
			return
		}
		var roles []string
		for _, role := range strings.Split(q.Get("roles"), ",") {
			if role = strings.TrimSpace(role); role != "" {
				roles = append(roles, role)
			}
		}
		tok, err := token(store, user, roles)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
