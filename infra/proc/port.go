package proc

import "net"

// FreePort returns a TCP port that is free on 127.0.0.1 at the time of the
// call, or an error when the system gives none.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
