package identity

import "vorgang/core/fault"

// CodeDirectoryUnavailable is the code of a login that could not reach the
// directory.
const CodeDirectoryUnavailable = "directory_unavailable"

// ErrUnavailable reports that the directory could not be reached or
// refused the service account: nobody can be checked against it now. It is
// of kind fault.Unavailable.
var ErrUnavailable = fault.Coded(fault.Unavailable, CodeDirectoryUnavailable, "identity: directory unavailable")

// ErrInvalidCredentials reports a wrong password (Active Directory also
// gives it for a locked or expired account) or an empty one. It is of kind
// fault.Unauthenticated.
var ErrInvalidCredentials = fault.Coded(fault.Unauthenticated, "invalid_credentials", "identity: invalid user name or password")

// ErrNotFound reports that the directory holds no (enabled) person with
// the name: removed, disabled or outside the user filter. Like
// ErrInvalidCredentials it is of kind fault.Unauthenticated with the same
// code, so the answer to the client does not tell the two apart; the
// caller uses it to disable the person's account.
var ErrNotFound = fault.Coded(fault.Unauthenticated, "invalid_credentials", "identity: no such person in the directory")
