package slapdtest

// People is an LDIF of people and nested groups the directory tests
// share. Every password is "<uid>-pw".
//
//	alice  in helpdesk; helpdesk in it; it in staff (three levels);
//	       also in loop-a, which loop-b and loop-a hold in a cycle;
//	       manager bob; preferredLanguage en
//	bob    in staff directly
//	carol  employeeType disabled (the tests' user filter leaves her out)
//	dave   in no group
const People = `dn: uid=bob,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: bob
cn: Bob Becker
sn: Becker
mail: bob@example.org
userPassword: bob-pw

dn: uid=alice,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: alice
cn: Alice Adler
sn: Adler
displayName: Alice Adler
mail: alice@example.org
preferredLanguage: en-GB
manager: uid=bob,ou=people,dc=example,dc=org
userPassword: alice-pw

dn: uid=carol,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: carol
cn: Carol Clausen
sn: Clausen
mail: carol@example.org
employeeType: disabled
userPassword: carol-pw

dn: uid=dave,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: dave
cn: Dave Dietrich
sn: Dietrich
mail: dave@example.org
userPassword: dave-pw

dn: cn=helpdesk,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: helpdesk
member: uid=alice,ou=people,dc=example,dc=org

dn: cn=it,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: it
member: cn=helpdesk,ou=groups,dc=example,dc=org

dn: cn=staff,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: staff
member: cn=it,ou=groups,dc=example,dc=org
member: uid=bob,ou=people,dc=example,dc=org

dn: cn=loop-a,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: loop-a
member: uid=alice,ou=people,dc=example,dc=org

dn: cn=loop-b,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: loop-b
member: cn=loop-a,ou=groups,dc=example,dc=org

dn: cn=loop-a,ou=groups,dc=example,dc=org
changetype: modify
add: member
member: cn=loop-b,ou=groups,dc=example,dc=org
`

// UserFilter is the user filter that goes with People: a login is the uid
// or the mail address (the UPN-style user@domain), and disabled people are
// not found.
const UserFilter = "(&(objectClass=inetOrgPerson)(!(employeeType=disabled))(|(uid={login})(mail={login})))"
