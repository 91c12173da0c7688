import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from "react-router";
import { NotFound, QueryState } from "./components/QueryState";
import { AppLayout } from "./layout/AppLayout";
import { queryClient } from "./queryClient";
import { prefetchInbox } from "./features/inbox/api";
import { sessionQuery, useSession } from "./session";

// Every screen loads with its route, so the first screen ships only what it needs. The session
// check, and on the inbox (where the day starts) its code and first page of inquiries, are
// asked for as this module runs, before the first render, so they travel together while React
// builds the page.
void queryClient.prefetchQuery(sessionQuery);
const loadInbox = () => import("./features/inbox/InboxPage");
if (location.pathname === "/" || location.pathname === "/inquiries") {
  void loadInbox();
  void prefetchInbox(queryClient, location.search);
}
const InboxPage = lazy(loadInbox);
const LoginPage = lazy(() => import("./features/auth/LoginPage").then((m) => ({ default: m.LoginPage })));
const SignupPage = lazy(() => import("./features/auth/LoginPage").then((m) => ({ default: m.SignupPage })));
const WorkbenchPage = lazy(() => import("./features/workbench/WorkbenchPage"));
const QuotesPage = lazy(() => import("./features/quotes/QuotesPage"));
const QuotePage = lazy(() => import("./features/quotes/QuotePage"));
const OrdersPage = lazy(() => import("./features/orders/OrdersPage"));
const OrderPage = lazy(() => import("./features/orders/OrderPage"));
const ReturnsPage = lazy(() => import("./features/returns/ReturnsPage"));
const ReturnPage = lazy(() => import("./features/returns/ReturnPage"));
const CatalogPage = lazy(() => import("./features/catalog/CatalogPage"));
const PartPage = lazy(() => import("./features/catalog/PartPage"));
const ImportPage = lazy(() => import("./features/catalog/ImportPage"));
const CustomersPage = lazy(() => import("./features/customers/CustomersPage"));
const CustomerPage = lazy(() => import("./features/customers/CustomerPage"));
const FiguresPage = lazy(() => import("./features/figures/FiguresPage"));
const CustomerFiguresPage = lazy(() => import("./features/figures/CustomerFiguresPage"));
const InsightsPage = lazy(() => import("./features/insights/InsightsPage"));
const RemindersPage = lazy(() => import("./features/reminders/RemindersPage"));
const SettingsPage = lazy(() => import("./features/settings/SettingsPage"));

const pending = <QueryState isPending error={null} children={() => null} />;

function RequireSession({ children }: { children: ReactNode }) {
  const { session, loading } = useSession();
  const location = useLocation();
  if (loading) return pending;
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}


const router = createBrowserRouter([
  {
    path: "/login",
    element: (
      <Suspense fallback={pending}>
        <LoginPage />
      </Suspense>
    ),
  },
  {
    path: "/signup",
    element: (
      <Suspense fallback={pending}>
        <SignupPage />
      </Suspense>
    ),
  },
  {
    path: "/",
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="/inquiries" replace /> },
      { path: "inquiries", element: <InboxPage /> },
      { path: "inquiries/:id", element: <WorkbenchPage /> },
      { path: "quotes", element: <QuotesPage /> },
      { path: "quotes/:id", element: <QuotePage /> },
      { path: "orders", element: <OrdersPage /> },
      { path: "orders/:id", element: <OrderPage /> },
      { path: "returns", element: <ReturnsPage /> },
      { path: "returns/:id", element: <ReturnPage /> },
      { path: "catalog", element: <CatalogPage /> },
      { path: "catalog/parts/:id", element: <PartPage /> },
      { path: "catalog/imports/:id", element: <ImportPage /> },
      { path: "customers", element: <CustomersPage /> },
      { path: "customers/:id", element: <CustomerPage /> },
      { path: "figures", element: <FiguresPage /> },
      { path: "figures/customers/:id", element: <CustomerFiguresPage /> },
      { path: "insights", element: <InsightsPage /> },
      { path: "reminders", element: <RemindersPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
