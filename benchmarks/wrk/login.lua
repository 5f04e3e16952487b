-- POST /api/v1/auth/login with the demo doctor's credentials (bcrypt-bound by design).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("LOGIN_BODY")
