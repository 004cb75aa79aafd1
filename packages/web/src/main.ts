import "./style.css";
import { createApi } from "./api";
import { apiBaseUrl } from "./config";
import { byId } from "./ui/dom";
import { mountForm } from "./ui/form";
import { mountHealth } from "./ui/health";
import { mountList } from "./ui/list";

const api = createApi(apiBaseUrl(import.meta.env.VITE_API_URL));
const health = mountHealth(byId("health"), api);
const list = mountList(api, health.refresh);
mountForm(api, list.add);
