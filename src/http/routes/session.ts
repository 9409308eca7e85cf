import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../app/context.js";
import { login, logout } from "../../app/users/sessions.js";
import { passwordLengthMax, roles } from "../../domain/users/roles.js";
import {
  access,
  anyRole,
  csrfHeader,
  ownerIsSelf,
  publicAccess,
  sessionOf,
  setSessionCookie,
} from "../auth.js";
import { unwrap } from "../problems.js";
import { Id, InstantText, problemResponses } from "../schemas.js";

const tags = ["session"];

const UserView = Type.Object({
  id: Id,
  role: Type.Enum(roles),
  borrowerId: Type.Union([Id, Type.Null()]),
});

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: passwordLengthMax * 4 }),
  },
  { additionalProperties: false },
);

const SessionView = Type.Object({
  user: UserView,
  csrfToken: Type.String({
    description: `send it in the ${csrfHeader} header with every POST, PUT, PATCH and DELETE`,
  }),
  expiresAt: InstantText,
});

/**
 * Logging in and out, and who the caller is. The session id travels only in the cookie
 * (HttpOnly, so page scripts never see it); the CSRF token only in the login answer, once.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox<{
  ctx: AppContext;
  cookies: { readonly secure: boolean };
}> = async (app, { ctx, cookies }) => {
  app.post(
    "/session",
    {
      config: { access: publicAccess },
      schema: {
        tags,
        summary: "Log in: sets the session cookie and answers the CSRF token",
        description:
          "A wrong username or password is a 401 (the same for both). A disabled user's login " +
          "gets the same 401 as a wrong password, the right password included. After 5 " +
          "failures for a username within 15 minutes it is locked for 15 minutes: every login " +
          "is a 429, the right password included. Every failure is an audit leaf.",
        body: LoginBody,
        response: { 200: SessionView, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const session = unwrap(await login(ctx, request.body));
      const maxAge = Math.max(0, Math.floor((session.expiresAt - ctx.clock.now()) / 1000));
      setSessionCookie(reply, cookies, session.sessionId, maxAge, new Date(session.expiresAt));
      return reply.header("cache-control", "no-store").send({
        user: session.user,
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      });
    },
  );

  app.delete(
    "/session",
    {
      config: { access: access({ roles: anyRole, owner: ownerIsSelf }) },
      schema: {
        tags,
        summary: "Log out: ends the session and clears the cookie",
        response: { 204: Type.Null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      await logout(ctx, sessionOf(request));
      setSessionCookie(reply, cookies, "", 0, new Date(0));
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/me",
    {
      config: { access: access({ roles: anyRole, owner: ownerIsSelf }) },
      schema: {
        tags,
        summary: "The logged-in caller: id, role and (for a borrower) the borrower id",
        response: {
          200: Type.Object({ user: UserView, expiresAt: InstantText }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { user: session.user, expiresAt: new Date(session.expiresAt).toISOString() };
    },
  );
};
