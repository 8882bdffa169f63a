-- pruefen: first of two scripts with one name in different folders.
return true
