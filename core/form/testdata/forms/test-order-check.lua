-- Test fixture: the Lua runtime is not part of core/form; tests answer the hook.
return 1
